package io.canopy.bench;

import io.canopy.common.tls.ClientTls;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code canopy bench}: drives a gateway or serving-service (gRPC or HTTP) in a closed or open
 * loop, prints a live line each second, then p50/p90/p99/p99.9/max, throughput and errors by code,
 * optionally as JSON, an {@code .hgrm} file and a percentile plot; {@code --compare-floor} also
 * times an empty gRPC call on this machine so the figures can be stated as ratios. With {@code
 * --tune} it searches the gateway's batching settings instead ({@link Tuning}).
 */
@Command(
    name = "bench",
    description = "Load-test a Canopy target (gRPC or HTTP) and report latency percentiles.")
public final class BenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "show this help and exit")
  boolean help;

  @Option(
      names = "--target",
      defaultValue = "predict",
      description =
          "floor | predict | kserve | features | http-predict | http-kserve (default: ${DEFAULT-VALUE})")
  String target;

  @Option(
      names = "--grpc",
      defaultValue = "127.0.0.1:9090",
      description = "gRPC host:port, gateway or serving (default: ${DEFAULT-VALUE})")
  String grpc;

  @Option(
      names = "--http",
      defaultValue = "http://127.0.0.1:8080",
      description = "gateway HTTP base URL (default: ${DEFAULT-VALUE})")
  String http;

  @Option(names = "--token", description = "bearer token sent with every call")
  String token;

  @Option(names = "--model", description = "model name (prediction targets)")
  String model;

  @Option(
      names = "--models",
      description =
          "spread requests over many models (gRPC predict and kserve): a glob such as 'tenant-*'"
              + " (matched against --registry's models), a comma-separated list, or @file (a name"
              + " per line); they must take the same features")
  String models;

  @Option(
      names = "--distribution",
      defaultValue = "uniform",
      description = "with --models: uniform, or zipf:S (the first model hottest), e.g. zipf:1.1")
  String distribution;

  @Option(
      names = "--registry",
      defaultValue = "${env:CANOPY_REGISTRY:-127.0.0.1:9100}",
      description = "registry gRPC target, to match a --models glob (default: ${DEFAULT-VALUE})")
  String registry;

  @Option(names = "--version", description = "explicit model version")
  Long version;

  @Option(names = "--alias", description = "model alias, e.g. production")
  String alias;

  @Option(
      names = "--rows",
      defaultValue = "1",
      description = "rows (or entity keys) per request (default: ${DEFAULT-VALUE})")
  int rows;

  @Option(
      names = "--features",
      description =
          "feature count F; default: from --csv, else KServe ModelMetadata's shape [-1, F]")
  Integer features;

  @Option(names = "--csv", description = "rows to send: CSV with a header row, cycled")
  Path csv;

  @Option(
      names = "--raw",
      description = "kserve: send raw_input_contents instead of typed contents")
  boolean raw;

  @Option(
      names = "--seed",
      defaultValue = "7",
      description = "seed of generated rows (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--feature-view", description = "features: the view to read")
  String featureView;

  @Option(
      names = "--entities",
      description = "features: entity keys, comma-separated, or @FILE with one per line")
  String entities;

  @Option(
      names = "--layout",
      defaultValue = "rows",
      description =
          "features: the answer's layout, rows (a message per entity) or columns (a packed column"
              + " per feature) (default: ${DEFAULT-VALUE})")
  String layout;

  @Option(names = "--concurrency", description = "closed loop: outstanding requests (default: 1)")
  Integer concurrency;

  @Option(
      names = "--rate",
      description = "open loop: requests per second, latency from the intended send time")
  Double rate;

  @Option(
      names = "--max-outstanding",
      defaultValue = "10000",
      description = "open loop: cap on calls in flight (default: ${DEFAULT-VALUE})")
  int maxOutstanding;

  @Option(
      names = "--warmup",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "untimed warm-up (default: ${DEFAULT-VALUE})")
  Duration warmup;

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      description = "measured time (default: 20s)")
  Duration duration;

  @Option(names = "--requests", description = "measured request count, instead of --duration")
  Long requests;

  @Option(
      names = "--timeout",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "deadline per call (default: ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(names = "--json", description = "print the report as one JSON object")
  boolean json;

  @Option(names = "--hgrm", description = "write the latency distribution (µs) to this .hgrm file")
  Path hgrm;

  @Option(names = "--plot", description = "draw the percentile curve(s) to this PNG file")
  Path plot;

  @Option(
      names = "--compare",
      description = "earlier .hgrm files to draw on the plot too (repeatable)")
  List<Path> compare = new ArrayList<>();

  @Option(
      names = "--compare-floor",
      description = "also time the floor in this run and print ratios")
  boolean compareFloor;

  @Option(
      names = "--interleave",
      description =
          "with --compare-floor: measure floor and target in N alternating cycles of slices (closed loop, --duration split among them) and print the median per-cycle p50 ratio")
  Integer interleave;

  @Option(
      names = "--floor-remote",
      description = "floor = health Check on --grpc instead of a built-in local server")
  boolean floorRemote;

  @Option(
      names = "--write-body",
      description =
          "write the first request's wire body to FILE (for h2load/wrk/hey), print its URL path, and exit")
  Path writeBody;

  @Mixin TlsOptions tls;

  @Mixin TuneOptions tuning;

  @Option(names = "--no-progress", negatable = false, description = "no live progress line")
  boolean noProgress;

  @Override
  public Integer call() throws Exception {
    String stray = tuning.strayOption();
    if (stray != null) {
      throw new ParameterException(spec.commandLine(), stray + " needs --tune");
    }
    TargetKind kind;
    try {
      kind = TargetKind.parse(target);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (tuning.tune) {
      return tune(kind, out, err);
    }
    LoadShape shape = shape();
    if (plot == null && !compare.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--compare needs --plot");
    }
    ClientTls clientTls = tls.clientTls();
    try (BenchSetup setup = new BenchSetup(this, kind, shape, clientTls)) {
      // built before any run, so a bad option or a failed discovery stops us before the floor runs
      Target main = kind == TargetKind.FLOOR ? setup.floor() : setup.target();
      if (writeBody != null) {
        return BodyExport.write(main, writeBody, out);
      }
      if (interleave != null) {
        if (kind == TargetKind.FLOOR || !compareFloor) {
          throw new ParameterException(
              spec.commandLine(), "--interleave needs --compare-floor and a non-floor --target");
        }
        Interleaved.Result result =
            Interleaved.run(setup.floor(), main, shape, interleave, System::nanoTime);
        new ReportOutput(out, json, hgrm, plot, compare)
            .write(result.main(), result.floor(), result);
        return 0;
      }
      PrintWriter progress = noProgress ? null : err;
      Report floor = null;
      if (kind != TargetKind.FLOOR && compareFloor) {
        floor = BenchRun.run(setup.floor(), shape, progress, System::nanoTime);
      }
      Report report = BenchRun.run(main, shape, progress, System::nanoTime);
      new ReportOutput(out, json, hgrm, plot, compare).write(report, floor);
      return 0;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    } catch (IllegalStateException | StatusRuntimeException | IOException e) {
      err.println("bench: " + e.getMessage());
      err.flush();
      return 1;
    }
  }

  private int tune(TargetKind kind, PrintWriter out, PrintWriter err) throws InterruptedException {
    try {
      return Tuning.run(this, kind, out, err);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    } catch (IllegalStateException | StatusRuntimeException | IOException e) {
      err.println("bench --tune: " + e.getMessage());
      err.flush();
      return 1;
    }
  }

  private LoadShape shape() {
    if (concurrency != null && rate != null) {
      throw new ParameterException(
          spec.commandLine(), "give --concurrency (closed loop) or --rate (open loop), not both");
    }
    if (duration != null && requests != null) {
      throw new ParameterException(spec.commandLine(), "give --duration or --requests, not both");
    }
    if (rate != null && !(rate > 0)) {
      throw new ParameterException(
          spec.commandLine(), "--rate must be a positive number, got " + rate);
    }
    if (rows < 1) {
      throw new ParameterException(spec.commandLine(), "--rows must be positive, got " + rows);
    }
    try {
      return new LoadShape(
          concurrency == null ? 1 : concurrency,
          rate == null ? 0 : rate,
          maxOutstanding,
          warmup,
          duration == null ? Duration.ofSeconds(20) : duration,
          requests == null ? 0 : requests,
          timeout);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  /** Runs {@code canopy bench} on its own: {@code java -cp … io.canopy.bench.BenchCommand …}. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchCommand()).setExpandAtFiles(false).execute(args));
  }
}
