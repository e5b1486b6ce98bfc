package io.canopy.bench.jmh;

import io.canopy.common.tracing.Tracing;
import io.canopy.gateway.batching.Batchers;
import io.canopy.gateway.batching.BatchingSettings;
import io.canopy.gateway.metrics.GatewayMetrics;
import io.canopy.gateway.upstream.PredictCall;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.OutputKind;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.Deadline;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway's micro-batcher ({@link Batchers}, used as is) coalescing {@code callers} single-row
 * requests and splitting the response back. One upstream slot: the first request goes up alone and
 * is held, the others queue; releasing it sends them as one merged request, which the fake upstream
 * answers at once, and the batcher splits that answer per caller. No network, no model: the cost
 * the batcher adds per batch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class BatcherBenchmark {

  static final int FEATURES = 4;

  @Param({"8", "64"})
  public int callers;

  private ScheduledExecutorService scheduler;
  private Batchers batchers;
  private PredictRequest[] requests;
  private CompletableFuture<PredictResponse> held;

  @Setup(Level.Trial)
  public void setUp() {
    scheduler = Executors.newSingleThreadScheduledExecutor();
    PredictCall upstream =
        (request, deadline) -> {
          int rows = request.getDense().getValuesCount() / FEATURES;
          if (held == null) {
            held = new CompletableFuture<>();
            return held;
          }
          return CompletableFuture.completedFuture(answer(rows));
        };
    batchers =
        new Batchers(
            upstream,
            new BatchingSettings(true, 512, 1, Duration.ZERO, Set.of()),
            scheduler,
            System::nanoTime,
            GatewayMetrics.NOOP,
            Tracing.off());
    requests = new PredictRequest[callers];
    for (int i = 0; i < callers; i++) {
      DenseRows.Builder dense = DenseRows.newBuilder().setNumFeatures(FEATURES);
      for (int f = 0; f < FEATURES; f++) {
        dense.addValues(i + f);
      }
      requests[i] =
          PredictRequest.newBuilder()
              .setModel("m")
              .setVersion(1)
              .setRequestId("r" + i)
              .setDense(dense)
              .build();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    scheduler.shutdownNow();
  }

  private static PredictResponse answer(int rows) {
    PredictResponse.Builder response =
        PredictResponse.newBuilder()
            .setModel("m")
            .setVersion(1)
            .setOutput(OutputKind.OUTPUT_KIND_VALUE)
            .addShape(rows);
    for (int r = 0; r < rows; r++) {
      response.addValues(r / 100f);
    }
    return response.build();
  }

  /**
   * {@code callers} requests in, one held + one merged upstream call, {@code callers} answers out.
   */
  @Benchmark
  public int coalesceAndSplit() {
    Deadline deadline = Deadline.after(10, TimeUnit.SECONDS);
    @SuppressWarnings("unchecked")
    CompletableFuture<PredictResponse>[] results = new CompletableFuture[callers];
    held = null;
    for (int i = 0; i < callers; i++) {
      results[i] = batchers.predict(requests[i], deadline);
    }
    held.complete(answer(1));
    int values = 0;
    for (CompletableFuture<PredictResponse> result : results) {
      values += result.join().getValuesCount();
    }
    return values;
  }
}
