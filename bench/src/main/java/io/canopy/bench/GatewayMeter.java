package io.canopy.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Measures a candidate for real: starts a {@link CandidateGateway} with its settings in front of
 * the running suite's serving replicas — or, when the candidate tunes serving's nthread, of a
 * {@link CandidateServing} started for that value (one per value, kept for the candidates that
 * share it, stopped by {@link #close}) — and the registry, waits until a call through it succeeds,
 * runs the {@link LoadRamp} with the bench's own closed loop, reads the batches the candidate
 * formed from its metrics around each step, and stops it.
 */
final class GatewayMeter implements TuneSearch.Meter, AutoCloseable {

  /** How long a candidate gateway may take to print its banner, then to answer a first call. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Unmeasured load on a fresh candidate before its first step, so the ramp measures a JIT-warmed
   * gateway (a new JVM answers its first calls ten times slower) and not its start; with 3 s, a
   * repeated first step still ran about twice as fast as the first on the shared 2-core machine.
   */
  static final Duration CANDIDATE_WARMUP = Duration.ofSeconds(6);

  static final int CANDIDATE_WARMUP_CLIENTS = 8;

  private final BenchSetup setup;
  private final TuneOptions options;
  private final String registry;
  private final LoadShape stepShape;
  private final double targetMicros;
  private final PrintWriter progress;
  private final LongSupplier nanos;
  private final Map<Integer, CandidateServing> servings = new LinkedHashMap<>();

  /**
   * @param stepShape the warm-up, measured time and timeout of each step (its concurrency unused)
   * @param progress where a line per step goes, or null
   */
  GatewayMeter(
      BenchSetup setup,
      TuneOptions options,
      String registry,
      LoadShape stepShape,
      double targetMicros,
      PrintWriter progress,
      LongSupplier nanos) {
    this.setup = setup;
    this.options = options;
    this.registry = registry;
    this.stepShape = stepShape;
    this.targetMicros = targetMicros;
    this.progress = progress;
    this.nanos = nanos;
  }

  /** The settings every candidate gateway runs with besides its batching. */
  static Map<String, String> baseSettings(
      String serving, String registry, Map<String, String> extra) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("gateway.http.host", "127.0.0.1");
    settings.put("gateway.http.port", "0");
    settings.put("gateway.grpc.host", "127.0.0.1");
    settings.put("gateway.grpc.port", "0");
    settings.put("gateway.upstream.serving-target", serving);
    settings.put("gateway.upstream.registry-target", registry);
    // a candidate lives on loopback for a minute: no TLS, and no outcome store or monitor of its
    // own
    settings.put("gateway.tls.cert-chain", "");
    settings.put("gateway.tls.private-key", "");
    settings.put("gateway.tls.client-ca", "");
    settings.put("gateway.outcomes.enabled", "false");
    settings.put("gateway.monitor.target", "");
    settings.putAll(extra);
    return settings;
  }

  /** Time one load step takes, for the budget. */
  long stepNanos() {
    return stepShape.warmup().plus(stepShape.duration()).toNanos();
  }

  @Override
  public CandidateResult measure(Candidate candidate, long deadlineNanos)
      throws InterruptedException {
    try {
      Map<String, String> settings =
          new LinkedHashMap<>(baseSettings(serving(candidate), registry, options.gatewaySettings));
      settings.putAll(candidate.settings());
      log("candidate %s: starting a gateway", candidate.label());
      return measure(candidate, settings, deadlineNanos);
    } catch (IOException | IllegalStateException e) {
      log("candidate %s: %s", candidate.label(), e.getMessage());
      return CandidateResult.failed(candidate, e.getMessage());
    }
  }

  /** The serving target of {@code candidate}'s gateway: --serving, or a replica for its nthread. */
  private String serving(Candidate candidate) throws IOException, InterruptedException {
    if (candidate.nthread() == 0) {
      return options.serving;
    }
    CandidateServing replica = servings.get(candidate.nthread());
    if (replica == null) {
      log("nthread %d: starting a serving replica", candidate.nthread());
      replica = CandidateServing.start(candidate.nthread(), registry, START_TIMEOUT);
      servings.put(candidate.nthread(), replica);
    }
    return replica.grpcTarget();
  }

  private CandidateResult measure(
      Candidate candidate, Map<String, String> settings, long deadlineNanos)
      throws IOException, InterruptedException {
    try (CandidateGateway gateway = CandidateGateway.start(settings, START_TIMEOUT)) {
      try {
        Target target = firstAnswer(gateway);
        BenchRun.run(
            target,
            new LoadShape(
                CANDIDATE_WARMUP_CLIENTS,
                0,
                stepShape.maxOutstanding(),
                Duration.ZERO,
                CANDIDATE_WARMUP,
                0,
                stepShape.timeout()),
            null,
            nanos);
        List<LoadStep> steps =
            LoadRamp.run(
                c -> step(target, gateway, c),
                targetMicros,
                options.maxClients(),
                stepNanos(),
                deadlineNanos,
                nanos);
        return new CandidateResult(candidate, steps, null);
      } finally {
        setup.release(gateway.grpcTarget());
      }
    }
  }

  /** Stops the serving replicas started for nthread values. */
  @Override
  public void close() throws InterruptedException {
    for (CandidateServing replica : servings.values()) {
      replica.close();
    }
    servings.clear();
  }

  /** The target through {@code gateway} once one call through it succeeded (bounded). */
  private Target firstAnswer(CandidateGateway gateway) throws IOException, InterruptedException {
    long deadline = nanos.getAsLong() + START_TIMEOUT.toNanos();
    while (true) {
      try {
        Target target = setup.target(gateway.grpcTarget(), gateway.httpBase());
        target.send().get(stepShape.timeout().toMillis(), TimeUnit.MILLISECONDS);
        return target;
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception notYet) {
        if (nanos.getAsLong() > deadline) {
          throw new IOException(
              "the candidate gateway answered no call within "
                  + START_TIMEOUT.toSeconds()
                  + " s: "
                  + notYet.getMessage(),
              notYet);
        }
        Thread.sleep(200);
      }
    }
  }

  private LoadStep step(Target target, CandidateGateway gateway, int concurrency)
      throws InterruptedException {
    BatchHistogram before = batches(gateway);
    LoadShape shape =
        new LoadShape(
            concurrency,
            0,
            stepShape.maxOutstanding(),
            stepShape.warmup(),
            stepShape.duration(),
            0,
            stepShape.timeout());
    Report report = BenchRun.run(target, shape, null, nanos);
    BatchHistogram after = batches(gateway);
    BatchStats stats = before == null || after == null ? BatchStats.NONE : after.since(before);
    LoadStep step =
        new LoadStep(
            concurrency,
            report.requestsPerSecond(),
            report.micros(50),
            report.micros(99),
            report.errorCount(),
            stats);
    log(
        "  %3d clients: %8.1f req/s  p50 %8.1f µs  p99 %8.1f µs  errors %d  rows/batch %.1f%s",
        concurrency,
        step.requestsPerSecond(),
        step.p50Micros(),
        step.p99Micros(),
        step.errors(),
        stats.meanRows(),
        step.meets(targetMicros) ? "" : "  (over target)");
    return step;
  }

  /** The candidate's batch histogram now; null when its metrics cannot be read. */
  private BatchHistogram batches(CandidateGateway gateway) throws InterruptedException {
    HttpClient http = setup.http();
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(gateway.httpBase() + "/observe/metrics"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? BatchHistogram.parse(response.body()) : null;
    } catch (IOException e) {
      return null;
    }
  }

  private void log(String format, Object... args) {
    if (progress != null) {
      progress.println(String.format(Locale.ROOT, format, args));
      progress.flush();
    }
  }
}
