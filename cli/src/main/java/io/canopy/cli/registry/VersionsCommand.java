package io.canopy.cli.registry;

import io.canopy.cli.Table;
import io.canopy.common.config.ByteSizes;
import io.canopy.proto.registry.v1.ListVersionsRequest;
import io.canopy.proto.registry.v1.ListVersionsResponse;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.ModelVersion;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code canopy versions MODEL}: a model's versions, newest first. */
@Command(
    name = "versions",
    mixinStandardHelpOptions = true,
    description = "List a model's versions.")
public final class VersionsCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "model name")
  String model;

  @Mixin RegistryOptions registry;

  @Override
  public Integer call() throws Exception {
    return registry.withChannel(this::print);
  }

  private int print(ManagedChannel channel) {
    var stub = ModelRegistryServiceGrpc.newBlockingStub(channel);
    List<ModelVersion> versions = new ArrayList<>();
    String token = "";
    do {
      ListVersionsResponse page =
          stub.listVersions(
              ListVersionsRequest.newBuilder().setModel(model).setPageToken(token).build());
      versions.addAll(page.getVersionsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    if (registry.json()) {
      Printer.json(System.out, versions);
      return 0;
    }
    Table table =
        new Table(
            "VERSION",
            "STATE",
            "OBJECTIVE",
            "FEATURES",
            "TREES",
            "SIZE",
            "NATIVE",
            "SHA256",
            "REASON");
    for (ModelVersion v : versions) {
      table.row(
          v.getVersion(),
          v.getState().name().replace("VERSION_STATE_", ""),
          v.getObjective(),
          v.getNumFeatures(),
          v.getNumTrees(),
          v.getSizeBytes(),
          v.getNativeBytes() > 0 ? ByteSizes.format(v.getNativeBytes()) : "-",
          v.getSha256().length() > 12 ? v.getSha256().substring(0, 12) : v.getSha256(),
          v.getFailureReason());
    }
    table.print(System.out);
    return 0;
  }
}
