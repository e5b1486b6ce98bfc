package io.canopy.monitor.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AsyncWriterTest {

  private final Map<String, AtomicLong> drops = new ConcurrentHashMap<>();
  private final List<Integer> written = new CopyOnWriteArrayList<>();

  private AsyncWriter<Integer> writer(
      long budget, java.util.function.Consumer<List<Integer>> sink) {
    return new AsyncWriter<>(
        "test-writer",
        budget,
        4,
        sink,
        new AsyncWriter.Weigher<>() {
          @Override
          public long bytes(Integer item) {
            return 100;
          }

          @Override
          public int records(Integer item) {
            return item;
          }
        },
        (reason, records) ->
            drops.computeIfAbsent(reason, r -> new AtomicLong()).addAndGet(records),
        Duration.ofMillis(100),
        Duration.ofMillis(20));
  }

  private long dropped(String reason) {
    return drops.getOrDefault(reason, new AtomicLong()).get();
  }

  @Test
  void offer_overTheByteBudget_dropsAndCountsWithoutWaiting() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AsyncWriter<Integer> w =
        writer(
            300,
            batch -> {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              written.addAll(batch);
            });
    int accepted = 0;
    for (int i = 0; i < 10; i++) {
      accepted += w.offer(1) ? 1 : 0;
    }
    release.countDown();
    w.close(Duration.ofSeconds(5));

    assertThat(accepted).isEqualTo(3);
    assertThat(dropped("buffer_full")).isEqualTo(7);
    assertThat(written).hasSize(3);
  }

  @Test
  void sinkFailure_dropsTheBatchAndResumesWhenTheSinkRecovers() throws Exception {
    AtomicBoolean down = new AtomicBoolean(true);
    AsyncWriter<Integer> w =
        writer(
            10_000,
            batch -> {
              if (down.get()) {
                throw new IllegalStateException("sink down");
              }
              written.addAll(batch);
            });
    w.offer(2);
    assertThat(w.awaitDrained(Duration.ofSeconds(5))).isTrue();
    assertThat(dropped("sink_error")).isEqualTo(2);

    down.set(false);
    w.offer(5);
    assertThat(w.awaitDrained(Duration.ofSeconds(5))).isTrue();
    w.close(Duration.ofSeconds(5));
    assertThat(written).containsExactly(5);
  }

  @Test
  void close_flushesWhatIsBuffered_andRefusesLaterItems() {
    AsyncWriter<Integer> w = writer(10_000, written::addAll);
    for (int i = 1; i <= 9; i++) {
      w.offer(i);
    }
    w.close(Duration.ofSeconds(5));
    boolean later = w.offer(1);

    assertThat(written).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertThat(later).isFalse();
    assertThat(dropped("shutdown")).isEqualTo(1);
  }
}
