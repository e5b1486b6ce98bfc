package io.canopy.gateway;

import io.canopy.bench.measure.Samples;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Figures for the closing note, not a test (performance is never asserted). Run after {@code mvn -o
 * -q test-compile -pl gateway}:
 *
 * <pre>
 * java -cp gateway/target/test-classes:gateway/target/classes:$(cat /tmp/gw.cp) io.canopy.gateway.GatewayMeasurements
 * </pre>
 *
 * Fake serving replicas stand in for serving-service: each Predict spins {@link
 * FakeServing#CALL_COST_NANOS} of CPU plus {@link FakeServing#ROW_COST_NANOS} per row (roughly an
 * XGBoost call on a small model).
 */
final class GatewayMeasurements {

  private static final PredictRequest ONE_ROW =
      PredictRequest.newBuilder()
          .setModel("m")
          .setVersion(1)
          .setDense(
              DenseRows.newBuilder()
                  .setNumFeatures(4)
                  .addValues(1)
                  .addValues(2)
                  .addValues(3)
                  .addValues(4))
          .build();

  public static void main(String[] args) throws Exception {
    latency();
    for (int round = 0; round < 2; round++) {
      throughputDirect();
      throughput(false);
      throughput(true);
    }
    killOneReplica();
    for (int round = 0; round < 2; round++) {
      hedging(round);
    }
    System.exit(0);
  }

  /** p50 of single-row calls, 1 client: empty gRPC call, serving direct, through the gateway. */
  private static void latency() throws Exception {
    try (RunningGateway gw = new RunningGateway(Map.of())) {
      ManagedChannel direct = GrpcTransports.channel(gw.serving.target(), 1 << 20);
      ManagedChannel viaGateway = GrpcTransports.channel(gw.grpcTarget(), 1 << 20);
      var health = HealthGrpc.newBlockingStub(direct);
      var servingStub = InferenceServiceGrpc.newBlockingStub(direct);
      var gatewayStub = InferenceServiceGrpc.newBlockingStub(viaGateway);
      for (int round = 0; round < 2; round++) {
        double empty = p50(() -> health.check(HealthCheckRequest.getDefaultInstance()));
        double serving = p50(() -> servingStub.predict(ONE_ROW));
        double gateway = p50(() -> gatewayStub.predict(ONE_ROW));
        System.out.printf(
            "latency round %d (fake serving, no CPU cost): empty call p50 %.1f us, serving-direct p50 %.1f us (%.2fx empty), gateway p50 %.1f us (%.2fx empty, %.2fx serving-direct)%n",
            round, empty, serving, serving / empty, gateway, gateway / empty, gateway / serving);
      }
      direct.shutdownNow();
      viaGateway.shutdownNow();
    }
  }

  private static double p50(Supplier<Object> call) {
    for (int i = 0; i < 5_000; i++) {
      call.get();
    }
    long[] nanos = new long[20_000];
    for (int i = 0; i < nanos.length; i++) {
      long start = System.nanoTime();
      call.get();
      nanos[i] = System.nanoTime() - start;
    }
    return Samples.of(nanos).micros(50);
  }

  /** Rows/s with 64 concurrent single-row clients for 5 s against a fake with CPU cost. */
  private static void throughput(boolean batching) throws Exception {
    try (RunningGateway gw =
        new RunningGateway(Map.of("gateway.batching.enabled", Boolean.toString(batching)))) {
      gw.serving.onPredict = FakeServing::costly;
      ManagedChannel channel = GrpcTransports.channel(gw.grpcTarget(), 1 << 20);
      var stub = InferenceServiceGrpc.newBlockingStub(channel);
      long[] result = load(64, 2, 5, stub, null);
      System.out.printf(
          "throughput batching=%s, 64 clients: %d rows/s, %d failed, upstream calls %d (%.1f rows per call)%n",
          batching,
          result[0] / 5,
          result[1],
          gw.serving.predicts.size(),
          gw.serving.predicts.stream()
              .mapToInt(r -> r.getDense().getValuesCount() / 4)
              .average()
              .orElse(0));
      channel.shutdownNow();
    }
  }

  /** The floor: 64 single-row clients straight at the fake serving (no gateway), 5 s. */
  private static void throughputDirect() throws Exception {
    try (FakeServing serving = new FakeServing()) {
      serving.onPredict = FakeServing::costly;
      ManagedChannel channel = GrpcTransports.channel(serving.target(), 1 << 20);
      long[] result = load(64, 2, 5, InferenceServiceGrpc.newBlockingStub(channel), null);
      System.out.printf(
          "throughput serving-direct, 64 clients: %d rows/s, %d failed%n",
          result[0] / 5, result[1]);
      channel.shutdownNow();
    }
  }

  /** Two replicas with CPU cost, 16 clients for 6 s; one (a child JVM) SIGKILLed after 3 s. */
  private static void killOneReplica() throws Exception {
    ServingProcess a = new ServingProcess(true);
    FakeServing b = new FakeServing();
    b.onPredict = FakeServing::costly;
    try (RunningGateway gw =
        new RunningGateway(
            Map.of("gateway.upstream.serving-target", a.target() + "," + b.target()))) {
      ManagedChannel channel = GrpcTransports.channel(gw.grpcTarget(), 1 << 20);
      var stub = InferenceServiceGrpc.newBlockingStub(channel);
      long[] result =
          load(
              16,
              1,
              6,
              stub,
              () -> {
                try {
                  a.kill();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      System.out.printf(
          "replica killed under load: %d requests, %d failed; surviving replica b served %d%n",
          result[0] + result[1], result[1], b.predicts.size());
      channel.shutdownNow();
    } finally {
      a.close();
      b.close();
    }
  }

  /**
   * Tail latency with stragglers: two replicas, each call stalls 20 ms with probability 5 %; 1
   * client, 4000 single-row calls, hedging off then hedging.delay=2ms. The floor is the p50 with
   * hedging off in the same round.
   */
  private static void hedging(int round) throws Exception {
    double[] off = stragglers("0ms");
    double[] on = stragglers("2ms");
    System.out.printf(
        "hedging round %d (5%% of calls stall 20 ms): floor p50 %.0f us; off p99 %.2fx floor; on p50 %.2fx floor, p99 %.2fx floor; extra upstream calls with hedging %.1f %%%n",
        round, off[0], off[1] / off[0], on[0] / off[0], on[1] / off[0], on[2]);
  }

  /** {p50 us, p99 us, hedges per 100 requests}. */
  private static double[] stragglers(String delay) throws Exception {
    FakeServing a = new FakeServing();
    FakeServing b = new FakeServing();
    java.util.function.Function<PredictRequest, PredictResponse> straggler =
        r -> {
          if (java.util.concurrent.ThreadLocalRandom.current().nextDouble() < 0.05) {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
          }
          return FakeServing.oneValuePerRow(r);
        };
    a.onPredict = straggler;
    b.onPredict = straggler;
    RecordingMetrics metrics = new RecordingMetrics();
    try (RunningGateway gw =
        new RunningGateway(
            Map.of(
                "gateway.upstream.serving-target",
                a.target() + "," + b.target(),
                "gateway.upstream.hedging.delay",
                delay,
                "gateway.batching.enabled",
                "false"),
            metrics)) {
      ManagedChannel channel = GrpcTransports.channel(gw.grpcTarget(), 1 << 20);
      var stub = InferenceServiceGrpc.newBlockingStub(channel);
      for (int i = 0; i < 1_000; i++) {
        stub.predict(ONE_ROW);
      }
      int hedgesBefore = metrics.hedges.get();
      long[] nanos = new long[4_000];
      for (int i = 0; i < nanos.length; i++) {
        long start = System.nanoTime();
        stub.withDeadlineAfter(5, TimeUnit.SECONDS).predict(ONE_ROW);
        nanos[i] = System.nanoTime() - start;
      }
      Samples samples = Samples.of(nanos);
      channel.shutdownNow();
      return new double[] {
        samples.micros(50),
        samples.micros(99),
        100.0 * (metrics.hedges.get() - hedgesBefore) / nanos.length
      };
    } finally {
      a.close();
      b.close();
    }
  }

  /** {succeeded rows, failed requests, succeeded rows}: warm-up, then measured seconds. */
  private static long[] load(
      int clients,
      int warmupSeconds,
      int seconds,
      InferenceServiceGrpc.InferenceServiceBlockingStub stub,
      Runnable halfway)
      throws Exception {
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    CountDownLatch finished = new CountDownLatch(clients);
    for (int c = 0; c < clients; c++) {
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                while (!stop.get()) {
                  try {
                    stub.withDeadlineAfter(5, TimeUnit.SECONDS).predict(ONE_ROW);
                    if (measuring.get()) {
                      ok.incrementAndGet();
                    }
                  } catch (RuntimeException e) {
                    if (measuring.get()) {
                      failed.incrementAndGet();
                    }
                  }
                }
                finished.countDown();
              });
    }
    Thread.sleep(warmupSeconds * 1000L);
    measuring.set(true);
    if (halfway != null) {
      Thread.sleep(seconds * 500L);
      halfway.run();
      Thread.sleep(seconds * 500L);
    } else {
      Thread.sleep(seconds * 1000L);
    }
    measuring.set(false);
    stop.set(true);
    finished.await(30, TimeUnit.SECONDS);
    return new long[] {ok.get(), failed.get(), ok.get()};
  }
}
