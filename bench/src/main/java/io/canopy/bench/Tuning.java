package io.canopy.bench;

import io.canopy.common.tls.ClientTls;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * {@code canopy bench --tune}: checks the options that make no sense with it, searches the batching
 * settings with a {@link GatewayMeter} per candidate, then prints the {@link TuneReport} and draws
 * the {@link TunePlot}.
 */
final class Tuning {

  private Tuning() {}

  /**
   * @return the exit code: 0 with a winner, 1 when no candidate met the target
   * @throws IllegalArgumentException for a bad or conflicting option, naming it
   */
  static int run(BenchCommand options, TargetKind kind, PrintWriter out, PrintWriter err)
      throws IOException, InterruptedException {
    TuneOptions tune = options.tuning;
    String conflict = conflict(options);
    if (conflict != null) {
      throw new IllegalArgumentException(
          conflict + " does not apply to --tune (its load steps are closed loops it chooses)");
    }
    if (!kind.carriesRows()) {
      throw new IllegalArgumentException(
          "--tune needs a prediction --target (predict, kserve, http-predict, http-kserve), got "
              + options.target);
    }
    if (options.tls.clientTls().enabled()) {
      throw new IllegalArgumentException(
          "--tls-ca does not apply to --tune: candidate gateways listen on loopback in plaintext");
    }
    tune.validate();
    CandidateGateway.requireGatewayOnClasspath();
    TuneSpace space = tune.space();
    LoadShape stepShape =
        new LoadShape(
            1, 0, options.maxOutstanding, tune.warmup(), tune.stepDuration(), 0, options.timeout);
    String what =
        String.format(
            Locale.ROOT,
            "%s of %s, %d row(s)/request; closed-loop steps of %s after %s warm-up, 1..%d clients;"
                + " candidate gateways in front of %s, registry %s",
            options.target,
            options.models != null ? options.models : options.model,
            options.rows,
            Candidate.durationText(tune.stepDuration()),
            Candidate.durationText(tune.warmup()),
            tune.maxClients(),
            space.tunesNthread()
                ? "a serving replica per nthread " + space.nthreads()
                : "serving " + tune.serving,
            options.registry);
    try (BenchSetup setup = new BenchSetup(options, kind, stepShape, ClientTls.PLAINTEXT);
        GatewayMeter meter =
            new GatewayMeter(
                setup,
                tune,
                options.registry,
                stepShape,
                tune.targetMicros(),
                options.noProgress ? null : err,
                System::nanoTime)) {
      TuneSearch.Outcome outcome =
          new TuneSearch(space, meter, tune.targetMicros(), System::nanoTime).run(tune.budget());
      TuneReport report = new TuneReport(outcome, space, tune.targetMicros(), what);
      out.print(options.json ? report.toJson() + System.lineSeparator() : report.toText());
      out.flush();
      if (options.plot != null) {
        TunePlot.write(
            report,
            "Throughput vs p99 by batching setting ("
                + options.target
                + ", "
                + options.rows
                + " row(s)/request)",
            options.plot);
      }
      return report.exitCode();
    }
  }

  /** The first option given that --tune has no use for, or null. */
  private static String conflict(BenchCommand o) {
    if (o.concurrency != null) {
      return "--concurrency";
    }
    if (o.rate != null) {
      return "--rate";
    }
    if (o.duration != null) {
      return "--duration (use --tune-step)";
    }
    if (o.requests != null) {
      return "--requests";
    }
    if (o.compareFloor || o.interleave != null) {
      return o.compareFloor ? "--compare-floor" : "--interleave";
    }
    if (o.hgrm != null) {
      return "--hgrm";
    }
    if (!o.compare.isEmpty()) {
      return "--compare";
    }
    return o.writeBody != null ? "--write-body" : null;
  }
}
