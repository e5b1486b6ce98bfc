package io.canopy.cli.registry;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.SetAliasRequest;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.canopy.proto.registry.v1.VersionState;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code canopy register MODEL FILE [--alias production]}: uploads a model version. */
@Command(name = "register", description = "Upload a model file as a new version.")
public final class RegisterCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "model name (created if missing)")
  String model;

  @Parameters(index = "1", description = "XGBoost model file (.ubj or .json)")
  Path file;

  @Option(names = "--alias", description = "point this alias at the new version when READY")
  String alias;

  @Option(
      names = "--registry",
      defaultValue = "127.0.0.1:9100",
      description = "registry gRPC target (default: ${DEFAULT-VALUE})")
  String registry;

  @Option(names = "--timeout", defaultValue = "300", description = "seconds to wait")
  long timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    if (!Files.isReadable(file)) {
      System.err.println("canopy: cannot read " + file);
      return 2;
    }
    long size = Files.size(file);
    ManagedChannel channel =
        GrpcTransports.channel(registry, GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES);
    try (InputStream in = Files.newInputStream(file)) {
      ProgressBar bar = new ProgressBar(System.err, size);
      ModelVersion version =
          new ModelUploader(channel)
              .upload(
                  UploadVersionHeader.newBuilder().setModel(model).setCreateModel(true).build(),
                  in,
                  timeoutSeconds,
                  bar::update);
      bar.finish();
      if (version.getState() != VersionState.VERSION_STATE_READY) {
        System.err.printf(
            "%s version %d FAILED: %s%n", model, version.getVersion(), version.getFailureReason());
        return 1;
      }
      System.out.printf(
          "%s version %d READY  sha256 %s  %d features  %s  %d trees%n",
          model,
          version.getVersion(),
          version.getSha256(),
          version.getNumFeatures(),
          version.getObjective(),
          version.getNumTrees());
      if (alias != null) {
        ModelRegistryServiceGrpc.newBlockingStub(channel)
            .setAlias(
                SetAliasRequest.newBuilder()
                    .setModel(model)
                    .setAlias(alias)
                    .setVersion(version.getVersion())
                    .build());
        System.out.printf("%s@%s -> version %d%n", model, alias, version.getVersion());
      }
      return 0;
    } catch (StatusRuntimeException e) {
      System.err.println("canopy: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
      return 1;
    } finally {
      channel.shutdownNow();
    }
  }
}
