package io.canopy.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.testing.Await;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc.InferenceServiceBlockingStub;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.canopy.serving.ServingHarness.Serving;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of Predict calls from several threads while the production alias flips between two
 * versions: none may fail, and each must be served by a version that was live during the call.
 */
class SwapUnderLoadTest {

  private static final int CLIENTS = 6;
  private static final int FLIPS = 20;
  private static final int MIN_CALLS_PER_CLIENT = 400;

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path cacheDir;

  /** One call: when it started and ended (nanoTime) and which version answered. */
  private record Call(long start, long end, long version) {}

  /**
   * Alias target {@code version} was set at {@code set} and seen serving at {@code confirmed}; the
   * previous target may serve until then (new before old), this one until the next is confirmed.
   */
  private record Flip(long set, long confirmed, long version) {}

  @Test
  void aliasFlipsUnderConcurrentLoad_noCallFails_andEachNamesALiveVersion() throws Exception {
    ServingHarness harness = new ServingHarness(cleanup, cacheDir).startRegistry();
    harness.registry.addBreastCancer("bc", 1, Fixtures.BREAST_CANCER_UBJ);
    harness.registry.addBreastCancer("bc", 2, Fixtures.BREAST_CANCER_JSON);
    harness.registry.setAlias("bc", "production", 1);
    Serving serving = harness.startServing().awaitReady();
    InferenceServiceBlockingStub stub = serving.inference();
    PredictRequest request = oneRow();
    Await.until("production serves v1", () -> stub.predict(request).getVersion() == 1);

    List<Flip> flips = new ArrayList<>();
    flips.add(new Flip(Long.MIN_VALUE, System.nanoTime(), 1));
    ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean flipping = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    List<Future<?>> clients = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      clients.add(
          pool.submit(
              () -> {
                int made = 0;
                while (flipping.get() || made < MIN_CALLS_PER_CLIENT) {
                  long start = System.nanoTime();
                  try {
                    PredictResponse response = stub.predict(request);
                    calls.add(new Call(start, System.nanoTime(), response.getVersion()));
                  } catch (RuntimeException e) {
                    failures.add(e);
                  }
                  made++;
                }
              }));
    }
    try {
      for (int i = 1; i <= FLIPS; i++) {
        long target = i % 2 == 0 ? 1 : 2;
        long set = System.nanoTime();
        harness.registry.setAlias("bc", "production", target);
        Await.until(
            "production serves v" + target, () -> stub.predict(request).getVersion() == target);
        flips.add(new Flip(set, System.nanoTime(), target));
      }
    } finally {
      flipping.set(false);
    }
    for (Future<?> client : clients) {
      client.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();

    assertThat(failures).isEmpty();
    assertThat(calls).hasSizeGreaterThanOrEqualTo(CLIENTS * MIN_CALLS_PER_CLIENT);
    for (Call call : calls) {
      assertThat(liveDuring(flips, call))
          .as("versions live during %s", call)
          .contains(call.version());
    }
    // Both versions really served: the check above is not vacuous.
    assertThat(calls.stream().map(Call::version).distinct()).containsExactlyInAnyOrder(1L, 2L);
  }

  /** Versions that may have served at some instant of the call. */
  private static List<Long> liveDuring(List<Flip> flips, Call call) {
    List<Long> live = new ArrayList<>();
    for (int i = 0; i < flips.size(); i++) {
      long from = flips.get(i).set();
      long until = i + 1 < flips.size() ? flips.get(i + 1).confirmed() : Long.MAX_VALUE;
      if (from <= call.end() && call.start() <= until) {
        live.add(flips.get(i).version());
      }
    }
    return live;
  }

  private static PredictRequest oneRow() {
    DenseRows.Builder dense = DenseRows.newBuilder().setNumFeatures(30);
    float[] rows = Fixtures.breastCancerRows();
    for (int f = 0; f < 30; f++) {
      dense.addValues(rows[f]);
    }
    return PredictRequest.newBuilder().setModel("bc").setDense(dense).build();
  }
}
