package io.canopy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.cli.registry.ModelUploader;
import io.canopy.common.config.ByteSizes;
import io.canopy.common.testing.Await;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.LoadState;
import io.canopy.proto.inference.v1.ModelVersionStatus;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.canopy.proto.registry.v1.VersionState;
import io.grpc.ManagedChannel;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of models on a few replicas, as separate processes on loopback: 2,000 small models
 * trained here, 3 serving replicas whose memory budgets together hold well under half of them, one
 * gateway placing each model on 2 replicas, one registry. Zipf-distributed traffic for a bounded
 * time loses no request; neither does one replica killed and restarted under it. Prints the figures
 * docs/PERFORMANCE.md and docs/RELIABILITY.md quote (lines starting "MANY-MODELS").
 */
@ProcessSuite
class ManyModelsTest {

  private static final int MODELS = 2000;
  private static final int FEATURES = 4;
  private static final int REPLICAS = 3;

  /** Share of all models' charges the replicas' budgets hold together. */
  private static final double HELD_SHARE = 0.4;

  private static final Duration PHASE = Duration.ofSeconds(15);
  private static final float[] ROW = {0.3f, -1.2f, 2.5f, 0.7f};

  @TempDir Path dir;

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  /** A small classifier per tenant: its own data, so its own bytes and answers. */
  private record Tenant(String name, byte[] bytes, double expected) {}

  private static Tenant train(int i) throws Exception {
    SplittableRandom random = new SplittableRandom(1000 + i);
    int rows = 200;
    float[] x = new float[rows * FEATURES];
    float[] y = new float[rows];
    double w = random.nextDouble(-1, 1);
    for (int r = 0; r < rows; r++) {
      for (int f = 0; f < FEATURES; f++) {
        x[r * FEATURES + f] = (float) random.nextGaussian();
      }
      y[r] = x[r * FEATURES] * w + x[r * FEATURES + 1] + random.nextGaussian() * 0.5 > 0 ? 1 : 0;
    }
    DMatrix train = new DMatrix(x, rows, FEATURES, Float.NaN);
    DMatrix probe = new DMatrix(ROW, 1, FEATURES, Float.NaN);
    try {
      train.setLabel(y);
      Map<String, Object> params = new HashMap<>();
      params.put("objective", "binary:logistic");
      params.put("max_depth", 3);
      params.put("eta", 0.3);
      params.put("nthread", 1);
      params.put("seed", i);
      Booster booster = XGBoost.train(train, params, 10, Map.of(), null, null);
      try {
        return new Tenant("tenant-" + i, booster.toByteArray("ubj"), booster.predict(probe)[0][0]);
      } finally {
        booster.dispose();
      }
    } finally {
      train.dispose();
      probe.dispose();
    }
  }

  /** Zipf(1.1) over the tenants: tenant-0 the hottest. */
  private static int[] zipfTable(int n) {
    double[] cumulative = new double[n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      total += Math.pow(i + 1, -1.1);
      cumulative[i] = total;
    }
    int[] table = new int[1 << 16];
    for (int j = 0; j < table.length; j++) {
      double u = (j + 0.5) / table.length * total;
      int i = Arrays.binarySearch(cumulative, u);
      table[j] = Math.min(n - 1, i >= 0 ? i : -i - 1);
    }
    return table;
  }

  @Test
  void twoThousandModels_threeReplicasHoldingUnderHalf_zipfLoadAndAKilledReplica_loseNothing()
      throws Exception {
    // 1. Train the tenants' models.
    long trainStart = System.nanoTime();
    List<Tenant> tenants = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Tenant>> trained = new ArrayList<>();
      for (int i = 0; i < MODELS; i++) {
        int n = i;
        trained.add(pool.submit(() -> train(n)));
      }
      for (Future<Tenant> t : trained) {
        tenants.add(t.get());
      }
    } finally {
      pool.shutdownNow();
    }
    double trainSeconds = (System.nanoTime() - trainStart) / 1e9;

    try (ServiceProcess registry =
        ServiceProcess.registry(
            dir.resolve("registry"), Map.of("registry.validation.processes", "2"), dir)) {
      ManagedChannel registryChannel = cleanup.register(TestSuites.channel(registry.grpcPort()));
      // 2. Register them all (measured: uploads per second, each validated in a child process).
      long uploadStart = System.nanoTime();
      long[] nativeBytes = new long[MODELS];
      ExecutorService uploads = Executors.newFixedThreadPool(4);
      try {
        List<Future<ModelVersion>> done = new ArrayList<>();
        for (Tenant t : tenants) {
          done.add(
              uploads.submit(
                  () ->
                      new ModelUploader(registryChannel)
                          .upload(
                              UploadVersionHeader.newBuilder()
                                  .setModel(t.name())
                                  .setCreateModel(true)
                                  .build(),
                              new ByteArrayInputStream(t.bytes()),
                              120,
                              sent -> {})));
        }
        for (int i = 0; i < MODELS; i++) {
          ModelVersion v = done.get(i).get();
          assertThat(v.getState())
              .as(v.getFailureReason())
              .isEqualTo(VersionState.VERSION_STATE_READY);
          nativeBytes[i] = v.getNativeBytes();
        }
      } finally {
        uploads.shutdownNow();
      }
      double uploadSeconds = (System.nanoTime() - uploadStart) / 1e9;

      // 3. Budgets: each replica holds HELD_SHARE / REPLICAS of all models' expected charges.
      long expectedAll = 0;
      for (int i = 0; i < MODELS; i++) {
        long n = nativeBytes[i] > 0 ? nativeBytes[i] : tenants.get(i).bytes().length;
        expectedAll += n + n / 2;
      }
      long budget = (long) (expectedAll * HELD_SHARE / REPLICAS);
      List<ServiceProcess> serving = new ArrayList<>();
      List<ManagedChannel> servingChannels = new ArrayList<>();
      List<String> targets = new ArrayList<>();
      try {
        for (int r = 0; r < REPLICAS; r++) {
          ServiceProcess s =
              ServiceProcess.serving(
                  "serving-" + r,
                  registry.target(),
                  dir.resolve("cache-" + r),
                  Map.of(
                      "serving.models.memory-budget",
                      Long.toString(budget),
                      "serving.features.rocksdb.path",
                      dir.resolve("features-" + r).toString()),
                  dir);
          serving.add(s);
          targets.add(s.target());
          servingChannels.add(cleanup.register(TestSuites.channel(s.grpcPort())));
        }
        long startedAt = System.nanoTime();
        for (ServiceProcess s : serving) {
          awaitReady(s);
        }
        double readySeconds = (System.nanoTime() - startedAt) / 1e9;
        long loadedAtStart = 0;
        for (ManagedChannel c : servingChannels) {
          loadedAtStart += resident(c);
        }
        System.out.printf(
            "MANY-MODELS start-up: the %d replicas loaded %d versions (what their budgets hold) and"
                + " were ready %.1f s after they listened: %.1f ms per version per replica, 2"
                + " loader threads each%n",
            REPLICAS,
            loadedAtStart,
            readySeconds,
            readySeconds * 1000 / (loadedAtStart / (double) REPLICAS));
        try (ServiceProcess gateway =
            ServiceProcess.gateway("gateway", String.join(",", targets), registry.target(), dir)) {
          ManagedChannel gatewayChannel = cleanup.register(TestSuites.channel(gateway.grpcPort()));
          Await.until(
              "the gateway routes the last tenant",
              Duration.ofSeconds(90),
              () -> {
                try {
                  predict(gatewayChannel, tenants.get(MODELS - 1));
                  return true;
                } catch (RuntimeException e) {
                  return false;
                }
              });
          long[] rssReady = new long[REPLICAS];
          for (int r = 0; r < REPLICAS; r++) {
            rssReady[r] = serving.get(r).rssBytes();
          }

          int[] zipf = zipfTable(MODELS);
          java.util.function.IntFunction<SteadyLoad.Call> calls =
              n -> {
                Tenant t = tenants.get(zipf[ThreadLocalRandom.current().nextInt(zipf.length)]);
                return new SteadyLoad.Call(request(t), t.expected());
              };

          // 4. Zipf traffic, then the same with replica 1 killed and restarted under it.
          // A warm-up first: the JVMs compile their paths and the caches fill.
          SteadyLoad warmUp = SteadyLoad.start(gatewayChannel, calls, 8, Duration.ZERO, Set.of());
          Thread.sleep(PHASE.toMillis() / 2);
          SteadyLoad.Counts warm = warmUp.stop("many-models warm-up");
          Map<String, Double> beforeFirst = scrape(serving);
          SteadyLoad steady = SteadyLoad.start(gatewayChannel, calls, 8, Duration.ZERO, Set.of());
          Thread.sleep(PHASE.toMillis());
          SteadyLoad.Counts first = steady.stop("many-models zipf");
          List<SteadyLoad.Answer> firstAnswers = steady.answers();
          Map<String, Double> afterFirst = minus(scrape(serving), beforeFirst);

          SteadyLoad killed = SteadyLoad.start(gatewayChannel, calls, 8, Duration.ZERO, Set.of());
          Thread.sleep(PHASE.toMillis() / 3);
          serving.get(1).kill();
          Thread.sleep(PHASE.toMillis() / 3);
          serving.set(1, serving.get(1).restart());
          servingChannels.set(1, cleanup.register(TestSuites.channel(serving.get(1).grpcPort())));
          awaitReady(serving.get(1));
          Thread.sleep(PHASE.toMillis() / 3);
          SteadyLoad.Counts second = killed.stop("many-models replica killed and restarted");

          // 5. What it showed.
          System.out.printf(
              "MANY-MODELS setup: %d models trained in %.1f s; registered in %.1f s = %.0f"
                  + " uploads/s (2 validation children, 4 uploaders); budget %s per replica x %d"
                  + " = %.0f%% of all models' expected charges%n",
              MODELS,
              trainSeconds,
              uploadSeconds,
              MODELS / uploadSeconds,
              ByteSizes.format(budget),
              REPLICAS,
              HELD_SHARE * 100);
          System.out.println("MANY-MODELS " + warm.line());
          System.out.println("MANY-MODELS " + first.line());
          System.out.println("MANY-MODELS " + second.line());
          System.out.printf(
              "MANY-MODELS latency (zipf phase, through the gateway): %s%n",
              percentiles(firstAnswers));
          long coldLoads = Math.round(afterFirst.getOrDefault("cold_loads", 0.0));
          long served = Math.round(afterFirst.getOrDefault("requests", 0.0));
          System.out.printf(
              "MANY-MODELS zipf phase at the replicas: %d requests, %d cold loads, hit ratio %.3f;"
                  + " cold load p50 <= %s ms, p99 <= %s ms (histogram buckets)%n",
              served,
              coldLoads,
              served == 0 ? 0 : 1 - (double) coldLoads / served,
              bucketPercentile(afterFirst, 0.5),
              bucketPercentile(afterFirst, 0.99));
          for (int r = 0; r < REPLICAS; r++) {
            long charged = charged(servingChannels.get(r));
            long resident = resident(servingChannels.get(r));
            System.out.printf(
                "MANY-MODELS replica %d: %d versions resident, charged %s of budget %s;"
                    + " RSS %s (%s when ready, before the load), of which JVM heap committed %s%n",
                r,
                resident,
                ByteSizes.format(charged),
                ByteSizes.format(budget),
                ByteSizes.format(serving.get(r).rssBytes()),
                ByteSizes.format(rssReady[r]),
                ByteSizes.format(committedHeap(serving.get(r))));
            assertThat(charged).isLessThanOrEqualTo(budget);
          }

          assertThat(warm.lost()).as(warmUp.unexpectedFailures().toString()).isZero();
          assertThat(first.lost()).as(steady.unexpectedFailures().toString()).isZero();
          assertThat(first.failedExpected() + first.lost()).isZero();
          assertThat(first.ok()).isGreaterThan(1000);
          assertThat(second.lost()).as(killed.unexpectedFailures().toString()).isZero();
          assertThat(coldLoads).as("the budgets forced loads on demand").isPositive();
        }
      } finally {
        for (ServiceProcess s : serving) {
          s.close();
        }
      }
    }
  }

  private static PredictRequest request(Tenant t) {
    return PredictRequest.newBuilder()
        .setModel(t.name())
        .setDense(DenseRows.newBuilder().setNumFeatures(FEATURES).addAllValues(asList(ROW)))
        .build();
  }

  private static List<Float> asList(float[] values) {
    List<Float> out = new ArrayList<>();
    for (float v : values) {
      out.add(v);
    }
    return out;
  }

  private static void predict(ManagedChannel channel, Tenant t) {
    InferenceServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .predict(request(t));
  }

  private static void awaitReady(ServiceProcess s) {
    HttpClient http = HttpClient.newHttpClient();
    Await.until(
        s + " ready",
        Duration.ofSeconds(120),
        () -> {
          try {
            return http.send(
                        HttpRequest.newBuilder(
                                URI.create(
                                    "http://127.0.0.1:" + s.httpPort() + "/observe/health/ready"))
                            .build(),
                        HttpResponse.BodyHandlers.discarding())
                    .statusCode()
                == 200;
          } catch (Exception e) {
            return false;
          }
        });
  }

  private static List<ModelVersionStatus> status(ManagedChannel channel) {
    return InferenceServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .getModelStatus(GetModelStatusRequest.getDefaultInstance())
        .getVersionsList();
  }

  private static long charged(ManagedChannel channel) {
    return status(channel).stream().mapToLong(ModelVersionStatus::getChargedBytes).sum();
  }

  private static long resident(ManagedChannel channel) {
    return status(channel).stream()
        .filter(v -> v.getState() == LoadState.LOAD_STATE_AVAILABLE)
        .count();
  }

  private static final Pattern SAMPLE =
      Pattern.compile("^(canopy_serving_[a-z_]+)(\\{[^}]*\\})? ([0-9.eE+-]+)$");
  private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

  /**
   * Sums over the replicas: requests served, cold loads, and the cold-load histogram's buckets
   * (keys "le:SECONDS").
   */
  private static Map<String, Double> scrape(List<ServiceProcess> serving) throws Exception {
    Map<String, Double> out = new HashMap<>();
    for (ServiceProcess s : serving) {
      for (String line : metrics(s).lines().toList()) {
        Matcher m = SAMPLE.matcher(line);
        if (!m.matches()) {
          continue;
        }
        String name = m.group(1);
        double v = Double.parseDouble(m.group(3));
        switch (name) {
          case "canopy_serving_requests_total" -> out.merge("requests", v, Double::sum);
          case "canopy_serving_cold_load_seconds_count" -> out.merge("cold_loads", v, Double::sum);
          case "canopy_serving_cold_load_seconds_bucket" -> {
            Matcher le = LE.matcher(m.group(2));
            if (le.find()) {
              out.merge("le:" + le.group(1), v, Double::sum);
            }
          }
          default -> {}
        }
      }
    }
    return out;
  }

  /** The JVM's committed heap (Helidon's base metric), in bytes. */
  private static long committedHeap(ServiceProcess s) throws Exception {
    for (String line : metrics(s).lines().toList()) {
      if (line.startsWith("memory_committedHeap_bytes")) {
        return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return -1;
  }

  /** A process's {@code /observe/metrics}, in Prometheus text. */
  private static String metrics(ServiceProcess s) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + s.httpPort() + "/observe/metrics"))
                .header("Accept", "text/plain")
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static Map<String, Double> minus(Map<String, Double> after, Map<String, Double> before) {
    Map<String, Double> out = new HashMap<>(after);
    before.forEach((k, v) -> out.merge(k, -v, Double::sum));
    return out;
  }

  /** The smallest bucket bound (ms) holding {@code q} of the cold loads. */
  private static String bucketPercentile(Map<String, Double> scraped, double q) {
    double total = scraped.getOrDefault("cold_loads", 0.0);
    if (total == 0) {
      return "-";
    }
    List<Double> bounds = new ArrayList<>();
    scraped.keySet().stream()
        .filter(k -> k.startsWith("le:") && !k.equals("le:+Inf"))
        .forEach(k -> bounds.add(Double.parseDouble(k.substring(3))));
    bounds.sort(null);
    for (double b : bounds) {
      if (scraped.get("le:" + formatBound(scraped, b)) >= q * total) {
        return String.format("%.0f", b * 1000);
      }
    }
    return "> " + String.format("%.0f", bounds.getLast() * 1000);
  }

  private static String formatBound(Map<String, Double> scraped, double b) {
    return scraped.keySet().stream()
        .filter(k -> k.startsWith("le:") && !k.equals("le:+Inf"))
        .map(k -> k.substring(3))
        .filter(k -> Double.parseDouble(k) == b)
        .findFirst()
        .orElseThrow();
  }

  private static String percentiles(List<SteadyLoad.Answer> answers) {
    long[] micros =
        answers.stream().mapToLong(a -> (a.end() - a.start()) / 1000).sorted().toArray();
    if (micros.length == 0) {
      return "no answers";
    }
    return String.format(
        "p50 %d us, p99 %d us, max %d us over %d calls",
        micros[micros.length / 2],
        micros[(int) (micros.length * 0.99)],
        micros[micros.length - 1],
        micros.length);
  }
}
