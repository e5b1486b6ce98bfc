package io.canopy.cli.predict;

import io.canopy.bench.TlsOptions;
import io.canopy.cli.registry.RegistryOptions;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.OutputKind;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code canopy predict MODEL --row 1,2,3}: one Predict call over gRPC (gateway by default). */
@Command(name = "predict", description = "Predict rows with a model (gRPC).")
public final class PredictCommand implements Callable<Integer> {

  // Not picocli's standard help mixin: its -V/--version would clash with --version VERSION.
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Parameters(index = "0", description = "model name")
  String model;

  @Option(
      names = "--row",
      required = true,
      description = "comma-separated feature values; empty or 'nan' means missing; repeatable")
  List<String> rows;

  @Option(names = "--version", description = "explicit version")
  Long version;

  @Option(names = "--alias", description = "alias, e.g. production")
  String alias;

  @Option(
      names = "--output",
      defaultValue = "value",
      description = "value | margin | class | leaf | contributions")
  String output;

  @Option(
      names = "--target",
      defaultValue = "127.0.0.1:9090",
      description = "gateway (or serving) gRPC target")
  String target;

  @Mixin TlsOptions tls;

  @Override
  public Integer call() {
    float[] values;
    int width;
    try {
      width = rows.getFirst().split(",", -1).length;
      values = new float[rows.size() * width];
      for (int r = 0; r < rows.size(); r++) {
        String[] cells = rows.get(r).split(",", -1);
        if (cells.length != width) {
          System.err.printf(
              "canopy: --row %d has %d values, the first has %d%n", r + 1, cells.length, width);
          return 2;
        }
        for (int c = 0; c < width; c++) {
          String cell = cells[c].trim();
          values[r * width + c] =
              cell.isEmpty() || cell.equalsIgnoreCase("nan") ? Float.NaN : Float.parseFloat(cell);
        }
      }
    } catch (NumberFormatException e) {
      System.err.println("canopy: --row: " + e.getMessage());
      return 2;
    }
    OutputKind kind;
    try {
      kind = OutputKind.valueOf("OUTPUT_KIND_" + output.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      System.err.println("canopy: --output: unknown kind '" + output + "'");
      return 2;
    }
    PredictRequest.Builder request =
        PredictRequest.newBuilder()
            .setModel(model)
            .setOutput(kind)
            .setDense(DenseRows.newBuilder().setNumFeatures(width).addAllValues(asList(values)));
    if (version != null) {
      request.setVersion(version);
    } else if (alias != null) {
      request.setAlias(alias);
    }
    ManagedChannel channel =
        GrpcTransports.channel(
            target, GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES, tls.clientTls());
    try {
      PredictResponse response =
          InferenceServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .predict(request.build());
      System.out.printf(
          "%s version %d (sha256 %s) shape %s%n",
          response.getModel(),
          response.getVersion(),
          response.getSha256(),
          response.getShapeList());
      int perRow = response.getValuesCount() / Math.max(1, rows.size());
      for (int r = 0; r < rows.size(); r++) {
        System.out.println(response.getValuesList().subList(r * perRow, (r + 1) * perRow));
      }
      return 0;
    } catch (StatusRuntimeException e) {
      System.err.println(RegistryOptions.describe(e.getStatus()));
      return 1;
    } finally {
      channel.shutdownNow();
    }
  }

  private static List<Float> asList(float[] values) {
    Float[] boxed = new Float[values.length];
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return List.of(boxed);
  }
}
