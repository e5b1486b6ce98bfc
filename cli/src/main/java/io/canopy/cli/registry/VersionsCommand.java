package io.canopy.cli.registry;

import io.canopy.cli.Table;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.proto.registry.v1.ListVersionsRequest;
import io.canopy.proto.registry.v1.ListVersionsResponse;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.ModelVersion;
import io.grpc.ManagedChannel;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code canopy versions MODEL}: lists a model's versions, newest first. */
@Command(name = "versions", description = "List a model's versions.")
public final class VersionsCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "model name")
  String model;

  @Option(names = "--registry", defaultValue = "127.0.0.1:9100", description = "registry gRPC target")
  String registry;

  @Override
  public Integer call() {
    ManagedChannel channel =
        GrpcTransports.channel(registry, GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES);
    try {
      var stub = ModelRegistryServiceGrpc.newBlockingStub(channel);
      Table table = new Table("VERSION", "STATE", "OBJECTIVE", "FEATURES", "TREES", "SHA256", "REASON");
      String token = "";
      do {
        ListVersionsResponse page =
            stub.listVersions(
                ListVersionsRequest.newBuilder().setModel(model).setPageToken(token).build());
        for (ModelVersion v : page.getVersionsList()) {
          table.row(
              v.getVersion(),
              v.getState().name().replace("VERSION_STATE_", ""),
              v.getObjective(),
              v.getNumFeatures(),
              v.getNumTrees(),
              v.getSha256().length() > 12 ? v.getSha256().substring(0, 12) : v.getSha256(),
              v.getFailureReason());
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
