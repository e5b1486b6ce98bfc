package io.canopy.cli.registry;

import io.canopy.cli.Table;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.proto.registry.v1.ListModelsRequest;
import io.canopy.proto.registry.v1.ListModelsResponse;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.grpc.ManagedChannel;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code canopy models}: lists registered models with their aliases. */
@Command(name = "models", description = "List registered models.")
public final class ModelsCommand implements Callable<Integer> {

  @Option(names = "--registry", defaultValue = "127.0.0.1:9100", description = "registry gRPC target")
  String registry;

  @Override
  public Integer call() {
    ManagedChannel channel =
        GrpcTransports.channel(registry, GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES);
    try {
      var stub = ModelRegistryServiceGrpc.newBlockingStub(channel);
      Table table = new Table("MODEL", "LATEST", "ALIASES", "DESCRIPTION");
      String token = "";
      do {
        ListModelsResponse page =
            stub.listModels(ListModelsRequest.newBuilder().setPageToken(token).build());
        for (Model m : page.getModelsList()) {
          String aliases =
              m.getAliasesMap().entrySet().stream()
                  .sorted(java.util.Map.Entry.comparingByKey())
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .collect(Collectors.joining(","));
          table.row(m.getName(), m.getLatestVersion(), aliases.isEmpty() ? "-" : aliases,
              m.getDescription());
        }
        token = page.getNextPageToken();
      } while (!token.isEmpty());
      table.print(System.out);
      return 0;
    } finally {
      channel.shutdownNow();
    }
  }
}
