package io.canopy.cli.serving;

import io.canopy.bench.TlsOptions;
import io.canopy.cli.Table;
import io.canopy.cli.registry.RegistryOptions;
import io.canopy.common.config.ByteSizes;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.canopy.proto.inference.v1.GetModelStatusResponse;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.ModelVersionStatus;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code canopy status [MODEL]}: what one serving replica holds — per version its state (AVAILABLE
 * is in memory, NOT_RESIDENT loads on the next request), the engine of its small batches, what it
 * is charged against the replica's memory budget, and whether it is pinned.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Show what a serving replica holds: versions, state, engine, memory charged, pinned.")
public final class StatusCommand implements Callable<Integer> {

  @Parameters(index = "0", arity = "0..1", description = "model name (all models when absent)")
  String model = "";

  @Option(
      names = "--target",
      defaultValue = "127.0.0.1:9200",
      description = "serving replica gRPC target (residency is per replica)")
  String target;

  @Option(names = "--json", description = "print JSON instead of a table")
  boolean json;

  @Mixin TlsOptions tls;

  private static String engine(ModelVersionStatus v) {
    return v.getEngine()
            == io.canopy.proto.inference.v1.PredictionEngine.PREDICTION_ENGINE_UNSPECIFIED
        ? "-"
        : v.getEngine().name().replace("PREDICTION_ENGINE_", "").toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public Integer call() {
    ManagedChannel channel =
        GrpcTransports.channel(
            target, GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES, tls.clientTls());
    try {
      GetModelStatusResponse response =
          InferenceServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .getModelStatus(GetModelStatusRequest.newBuilder().setModel(model).build());
      if (json) {
        System.out.println(com.google.protobuf.util.JsonFormat.printer().print(response));
        return 0;
      }
      Table table =
          new Table(
              "MODEL", "VERSION", "STATE", "ENGINE", "CHARGED", "PINNED", "ALIASES", "REASON");
      long charged = 0;
      for (ModelVersionStatus v : response.getVersionsList()) {
        charged += v.getChargedBytes();
        table.row(
            v.getModel(),
            v.getVersion(),
            v.getState().name().replace("LOAD_STATE_", ""),
            engine(v),
            v.getChargedBytes() > 0 ? ByteSizes.format(v.getChargedBytes()) : "-",
            v.getPinned() ? "yes" : "",
            String.join(",", v.getAliasesList()),
            v.getReason());
      }
      table.print(System.out);
      System.out.printf("charged against the memory budget: %s%n", ByteSizes.format(charged));
      return 0;
    } catch (StatusRuntimeException e) {
      System.err.println(RegistryOptions.describe(e.getStatus()));
      return 1;
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      System.err.println("canopy: " + e.getMessage());
      return 1;
    } finally {
      channel.shutdownNow();
    }
  }
}
