package io.canopy.cli.monitor;

import com.google.protobuf.util.JsonFormat;
import io.canopy.bench.TlsOptions;
import io.canopy.cli.Table;
import io.canopy.cli.registry.RegistryOptions;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.proto.monitor.v1.CompareVersionsRequest;
import io.canopy.proto.monitor.v1.CompareVersionsResponse;
import io.canopy.proto.monitor.v1.DriftReport;
import io.canopy.proto.monitor.v1.FeatureDrift;
import io.canopy.proto.monitor.v1.GetDriftRequest;
import io.canopy.proto.monitor.v1.GetDriftResponse;
import io.canopy.proto.monitor.v1.GetHistoryRequest;
import io.canopy.proto.monitor.v1.GetHistoryResponse;
import io.canopy.proto.monitor.v1.GetQualityRequest;
import io.canopy.proto.monitor.v1.GetQualityResponse;
import io.canopy.proto.monitor.v1.MonitorServiceGrpc;
import io.canopy.proto.monitor.v1.QualityReport;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code canopy monitor MODEL}: is the model still right? Quality per version and slice. */
@Command(
    name = "monitor",
    description = {
      "Show a model's quality per version over a window (predictions joined to their",
      "outcomes): AUC with its 95%% interval, log loss, Brier and accuracy for binary models;",
      "accuracy and log loss for multi-class ones; RMSE, MAE and bias for regression; and the",
      "same per slice."
    })
public final class MonitorCommand implements Callable<Integer> {

  // Not picocli's standard help mixin: its -V/--version would clash with --version VERSION.
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Parameters(index = "0", description = "model name")
  String model;

  @Option(names = "--version", description = "one version (default: every version in the window)")
  long version;

  @Option(
      names = "--window",
      defaultValue = "",
      description = "a configured window, e.g. 1h, 1d, 7d (default: the shortest)")
  String window;

  @Option(
      names = "--monitor",
      defaultValue = "${CANOPY_MONITOR:-127.0.0.1:9300}",
      description = "monitor gRPC target (env CANOPY_MONITOR; default ${DEFAULT-VALUE})")
  String target;

  @Option(
      names = "--token",
      defaultValue = "${CANOPY_TOKEN}",
      description = "bearer token when the monitor requires one (env CANOPY_TOKEN)")
  String token;

  @Option(names = "--json", description = "print JSON instead of text")
  boolean json;

  @Option(
      names = "--compare",
      arity = "0..1",
      fallbackValue = "newest",
      paramLabel = "CHAMPION:CHALLENGER",
      description = {
        "also compare two versions (a split's, or a version and its shadow) over the window",
        "(default for compare: the longest): e.g. 1:2; alone, the two newest versions"
      })
  String compare;

  @Option(
      names = "--plot",
      paramLabel = "FILE.png",
      description = "also draw quality and the largest feature PSI over the window, per version")
  java.nio.file.Path plot;

  @Mixin TlsOptions tls;

  @Override
  public Integer call() throws Exception {
    ManagedChannel channel =
        GrpcTransports.channel(
            target, GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES, tls.clientTls());
    try {
      GetQualityResponse response =
          stub(channel, 30)
              .getQuality(
                  GetQualityRequest.newBuilder()
                      .setModel(model)
                      .setVersion(version)
                      .setWindow(window)
                      .build());
      GetDriftResponse drift =
          stub(channel, 30)
              .getDrift(
                  GetDriftRequest.newBuilder()
                      .setModel(model)
                      .setVersion(version)
                      .setWindow(window)
                      .build());
      CompareVersionsResponse comparison = compare == null ? null : compare(channel);
      if (plot != null) {
        GetHistoryResponse history =
            stub(channel, 60)
                .getHistory(
                    GetHistoryRequest.newBuilder()
                        .setModel(model)
                        .setVersion(version)
                        .setWindow(window)
                        .build());
        MonitorPlot.write(history, model, plot);
        System.err.println("canopy: wrote " + plot.toAbsolutePath());
      }
      if (json) {
        System.out.println(JsonFormat.printer().print(response));
        System.out.println(JsonFormat.printer().print(drift));
        if (comparison != null) {
          System.out.println(JsonFormat.printer().print(comparison));
        }
      } else {
        print(System.out, response, drift);
        if (comparison != null) {
          System.out.println(
              "champion v"
                  + comparison.getChampion()
                  + " vs challenger v"
                  + comparison.getChallenger()
                  + ", last "
                  + comparison.getWindow()
                  + ": "
                  + comparison.getSummary());
        }
      }
      return 0;
    } catch (StatusRuntimeException e) {
      System.err.println(RegistryOptions.describe(e.getStatus()));
      return 1;
    } finally {
      channel.shutdownNow();
    }
  }

  private CompareVersionsResponse compare(ManagedChannel channel) {
    CompareVersionsRequest.Builder request =
        CompareVersionsRequest.newBuilder().setModel(model).setWindow(window);
    if (!compare.equals("newest")) {
      String[] parts = compare.split(":");
      if (parts.length != 2) {
        throw new picocli.CommandLine.ParameterException(
            new picocli.CommandLine(this),
            "--compare: '" + compare + "' is not CHAMPION:CHALLENGER");
      }
      try {
        request.setChampion(Long.parseLong(parts[0])).setChallenger(Long.parseLong(parts[1]));
      } catch (NumberFormatException e) {
        throw new picocli.CommandLine.ParameterException(
            new picocli.CommandLine(this),
            "--compare: '" + compare + "' is not two version numbers");
      }
    }
    return stub(channel, 30).compareVersions(request.build());
  }

  /** The monitor's stub with the token and a deadline of {@code seconds}. */
  private MonitorServiceGrpc.MonitorServiceBlockingStub stub(ManagedChannel channel, int seconds) {
    return MonitorServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(RegistryOptions.bearer(token))
        .withDeadlineAfter(seconds, TimeUnit.SECONDS);
  }

  static void print(PrintStream out, GetQualityResponse response, GetDriftResponse drift) {
    if (response.getReportsCount() == 0) {
      out.println("no predictions in this window");
      return;
    }
    for (QualityReport r : response.getReportsList()) {
      printQuality(out, r);
      drift.getReportsList().stream()
          .filter(d -> d.getVersion() == r.getVersion())
          .findFirst()
          .ifPresent(d -> printDrift(out, d));
      out.println();
    }
  }

  /** The features that moved most, at most this many (all of them with --json). */
  private static final int DRIFT_ROWS = 10;

  static void printDrift(PrintStream out, DriftReport d) {
    if (!d.getNote().isEmpty()) {
      out.println("  drift: " + d.getNote());
      return;
    }
    out.printf(
        Locale.ROOT,
        "  drift against the %s baseline (%d rows), %d rows compared; PSI > 0.25 is a large"
            + " shift%n",
        d.getBaseline(),
        d.getBaselineRows(),
        d.getRows());
    if (d.getWindowRows() > d.getRows()) {
      out.printf(
          Locale.ROOT,
          "  (a uniform sample of the window's %d rows: monitor.max-rows)%n",
          d.getWindowRows());
    }
    Table table = new Table("  FEATURE", "PSI", "MISSING", "BASELINE MISSING", "OUT OF RANGE");
    List<FeatureDrift> rows = new ArrayList<>(d.getFeaturesList());
    if (rows.size() > DRIFT_ROWS) {
      rows = rows.subList(0, DRIFT_ROWS);
    }
    rows.add(d.getOutput());
    for (FeatureDrift f : rows) {
      table.row(
          "  " + f.getFeature(),
          f3(f.getPsi()) + (f.getPsi() > 0.25 ? " !" : ""),
          percent(f.getMissingShare()),
          percent(f.getBaselineMissingShare()),
          percent(f.getOutOfRangeShare()));
    }
    table.print(out);
    if (d.getFeaturesCount() > DRIFT_ROWS) {
      out.println("  (" + (d.getFeaturesCount() - DRIFT_ROWS) + " more features: --json)");
    }
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * share);
  }

  static void printQuality(PrintStream out, QualityReport r) {
    out.printf(
        Locale.ROOT,
        "%s v%d, last %s: %d predictions, %d with an outcome (%.1f%%), %d outcomes matched no"
            + " prediction%n",
        r.getModel(),
        r.getVersion(),
        r.getWindow(),
        r.getPredictions(),
        r.getWithOutcome(),
        100 * r.getOutcomeShare(),
        r.getUnmatchedOutcomes());
    if (r.getSampledRows() < r.getPredictions()) {
      out.printf(
          Locale.ROOT,
          "  figures from a uniform sample of %d of them (monitor.max-rows); outcomes counted in"
              + " it%n",
          r.getSampledRows());
    }
    out.println("  " + metrics(r));
    if (r.hasBinary() && r.getBinary().getCalibrationCount() > 0) {
      Table calibration = new Table("  P(1) BIN", "ROWS", "MEAN P", "OBSERVED");
      for (var bin : r.getBinary().getCalibrationList()) {
        if (bin.getCount() > 0) {
          calibration.row(
              String.format(Locale.ROOT, "  %.1f-%.1f", bin.getLower(), bin.getUpper()),
              bin.getCount(),
              f3(bin.getMeanPredicted()),
              f3(bin.getObservedRate()));
        }
      }
      calibration.print(out);
    }
    if (r.getSlicesCount() > 0) {
      Table slices = new Table("  SLICE", "PREDICTIONS", "OUTCOMES", "QUALITY");
      for (QualityReport s : r.getSlicesList()) {
        slices.row(
            "  " + s.getSliceFeature() + "=" + s.getSliceValue(),
            s.getPredictions(),
            s.getWithOutcome(),
            metrics(s));
      }
      slices.print(out);
    }
  }

  static String metrics(QualityReport r) {
    return switch (r.getMetricsCase()) {
      case BINARY -> {
        var b = r.getBinary();
        yield String.format(
            Locale.ROOT,
            "AUC %s [%s, %s]  log loss %s  Brier %s  accuracy@%s %s  (%d positive, %d negative)",
            f3(b.getAuc()),
            f3(b.getAucLower()),
            f3(b.getAucUpper()),
            f3(b.getLogLoss()),
            f3(b.getBrier()),
            f3(b.getThreshold()),
            f3(b.getAccuracy()),
            b.getPositives(),
            b.getNegatives());
      }
      case MULTICLASS ->
          String.format(
              Locale.ROOT,
              "accuracy %s  log loss %s  (%d classes)",
              f3(r.getMulticlass().getAccuracy()),
              f3(r.getMulticlass().getLogLoss()),
              r.getMulticlass().getClasses());
      case REGRESSION ->
          String.format(
              Locale.ROOT,
              "RMSE %s  MAE %s  mean bias %s",
              f3(r.getRegression().getRmse()),
              f3(r.getRegression().getMae()),
              f3(r.getRegression().getMeanBias()));
      case METRICS_NOT_SET -> "no outcomes yet";
    };
  }

  private static String f3(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
  }
}
