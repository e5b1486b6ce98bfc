package io.canopy.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The options of {@code canopy bench --tune}. Only {@code --tune} and {@code --p99} are needed; the
 * rest have defaults that make a run of a few minutes. Given without {@code --tune}, any of them is
 * a usage error.
 */
final class TuneOptions {

  static final Duration DEFAULT_BUDGET = Duration.ofMinutes(5);
  static final Duration DEFAULT_STEP = Duration.ofSeconds(2);
  static final Duration DEFAULT_STEP_WARMUP = Duration.ofSeconds(1);
  static final List<Duration> DEFAULT_DELAYS =
      List.of(Duration.ZERO, Duration.ofMillis(1), Duration.ofMillis(2));
  static final List<Integer> DEFAULT_BATCH_ROWS = List.of(8, 32, 128, 512);
  static final List<Integer> DEFAULT_IN_FLIGHT = List.of(1, 2, 4, 8, 16);
  static final int DEFAULT_MAX_CLIENTS = 128;

  /** Settings a candidate owns: the tuned ones, and where it listens and what it fronts. */
  private static final Set<String> RESERVED =
      Set.of(
          Candidate.DELAY_KEY,
          Candidate.ROWS_KEY,
          Candidate.IN_FLIGHT_KEY,
          "gateway.batching.enabled",
          "gateway.http.port",
          "gateway.grpc.port",
          "gateway.http.host",
          "gateway.grpc.host",
          "gateway.upstream.serving-target",
          "gateway.upstream.registry-target");

  @Option(
      names = "--tune",
      description =
          "search the gateway's batching settings (max-delay, max-batch-rows, max-in-flight), and"
              + " with --tune-nthread serving's nthread, for the most throughput whose p99 stays"
              + " within --p99: each candidate is a gateway started in front of --serving (or a"
              + " serving replica started for its nthread) and --registry, driven in closed-loop"
              + " steps")
  boolean tune;

  @Option(
      names = "--p99",
      converter = DurationConverter.class,
      description = "--tune: the p99 latency target, e.g. 5ms")
  Duration p99;

  @Option(
      names = "--tune-budget",
      converter = DurationConverter.class,
      description = "--tune: the search's whole time (default: 5m)")
  Duration budget;

  @Option(
      names = "--tune-step",
      converter = DurationConverter.class,
      description = "--tune: measured time of each load step (default: 2s)")
  Duration step;

  @Option(
      names = "--tune-warmup",
      converter = DurationConverter.class,
      description = "--tune: untimed warm-up before each load step (default: 1s)")
  Duration stepWarmup;

  @Option(
      names = "--tune-delays",
      split = ",",
      converter = DurationConverter.class,
      description = "--tune: max-delay values to try (default: 0ms,1ms,2ms)")
  List<Duration> delays;

  @Option(
      names = "--tune-batch-rows",
      split = ",",
      description = "--tune: max-batch-rows values to try (default: 8,32,128,512)")
  List<Integer> batchRows;

  @Option(
      names = "--tune-in-flight",
      split = ",",
      description = "--tune: max-in-flight values to try (default: 1,2,4,8,16)")
  List<Integer> inFlight;

  @Option(
      names = "--tune-nthread",
      split = ",",
      description =
          "--tune: serving.predict.nthread values to try, each on a serving replica started for it"
              + " that follows --registry (default: not tuned; candidates send to --serving)")
  List<Integer> nthreads;

  @Option(
      names = "--tune-max-clients",
      description = "--tune: most closed-loop clients a load step uses (default: 128)")
  Integer maxClients;

  @Option(
      names = "--serving",
      defaultValue = "${env:CANOPY_SERVING:-127.0.0.1:9200}",
      description =
          "--tune: the serving replicas the candidate gateways send to, as"
              + " gateway.upstream.serving-target (default: ${DEFAULT-VALUE})")
  String serving;

  @Option(
      names = "--gateway-set",
      description =
          "--tune: another setting of every candidate gateway, KEY=VALUE (repeatable), e.g."
              + " gateway.upstream.token=...")
  Map<String, String> gatewaySettings = new LinkedHashMap<>();

  /** The first tuning option given without {@code --tune}, or null. */
  String strayOption() {
    if (tune) {
      return null;
    }
    if (p99 != null) {
      return "--p99";
    }
    if (budget != null) {
      return "--tune-budget";
    }
    if (step != null) {
      return "--tune-step";
    }
    if (stepWarmup != null) {
      return "--tune-warmup";
    }
    if (delays != null) {
      return "--tune-delays";
    }
    if (batchRows != null) {
      return "--tune-batch-rows";
    }
    if (inFlight != null) {
      return "--tune-in-flight";
    }
    if (nthreads != null) {
      return "--tune-nthread";
    }
    if (maxClients != null) {
      return "--tune-max-clients";
    }
    return gatewaySettings.isEmpty() ? null : "--gateway-set";
  }

  /** Checks the options together; a refusal names the option. */
  void validate() {
    if (p99 == null) {
      throw new IllegalArgumentException("--tune needs --p99, the latency target (e.g. 5ms)");
    }
    if (p99.isZero() || p99.isNegative() || p99.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException(
          "--p99 must be in (0, 1m], got " + Candidate.durationText(p99));
    }
    if (stepDuration().isZero() || stepDuration().isNegative()) {
      throw new IllegalArgumentException("--tune-step must be positive, got " + step);
    }
    if (warmup().isNegative()) {
      throw new IllegalArgumentException("--tune-warmup must not be negative, got " + stepWarmup);
    }
    Duration oneStep = stepDuration().plus(warmup());
    if (budget().compareTo(oneStep.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException(
          "--tune-budget "
              + budget().toMillis()
              + "ms is too short: it must hold at least two load steps of --tune-warmup +"
              + " --tune-step ("
              + oneStep.toMillis()
              + "ms each)");
    }
    if (maxClients() < 1 || maxClients() > LoadShape.MAX_OUTSTANDING_LIMIT) {
      throw new IllegalArgumentException(
          "--tune-max-clients must be in 1.."
              + LoadShape.MAX_OUTSTANDING_LIMIT
              + ", got "
              + maxClients);
    }
    if (serving == null || serving.isBlank()) {
      throw new IllegalArgumentException("--serving must name the serving replicas, host:port");
    }
    for (String key : gatewaySettings.keySet()) {
      if (!key.startsWith("gateway.")) {
        throw new IllegalArgumentException(
            "--gateway-set: " + key + " is not a gateway setting (gateway.*)");
      }
      if (RESERVED.contains(key)) {
        throw new IllegalArgumentException(
            "--gateway-set: " + key + " is set by --tune itself for each candidate");
      }
    }
    space();
  }

  TuneSpace space() {
    return new TuneSpace(
        delays == null ? DEFAULT_DELAYS : delays,
        batchRows == null ? DEFAULT_BATCH_ROWS : batchRows,
        inFlight == null ? DEFAULT_IN_FLIGHT : inFlight,
        nthreads == null ? List.of() : nthreads);
  }

  Duration budget() {
    return budget == null ? DEFAULT_BUDGET : budget;
  }

  Duration stepDuration() {
    return step == null ? DEFAULT_STEP : step;
  }

  Duration warmup() {
    return stepWarmup == null ? DEFAULT_STEP_WARMUP : stepWarmup;
  }

  int maxClients() {
    return maxClients == null ? DEFAULT_MAX_CLIENTS : maxClients;
  }

  double targetMicros() {
    return p99.toNanos() / 1000.0;
  }
}
