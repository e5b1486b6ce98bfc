package io.canopy.serving.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {

  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void execute_fromManyThreads_runsOneAtATimeInSubmissionOrderPerThread() throws Exception {
    SerialExecutor serial = new SerialExecutor(pool);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    List<String> ran = Collections.synchronizedList(new ArrayList<>());
    int submitters = 4;
    int perSubmitter = 500;
    CountDownLatch done = new CountDownLatch(submitters * perSubmitter);
    Thread[] threads = new Thread[submitters];
    for (int t = 0; t < submitters; t++) {
      int id = t;
      threads[t] =
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < perSubmitter; i++) {
                      int n = i;
                      serial.execute(
                          () -> {
                            if (running.incrementAndGet() > 1) {
                              overlaps.incrementAndGet();
                            }
                            ran.add(id + ":" + n);
                            running.decrementAndGet();
                            done.countDown();
                          });
                    }
                  });
    }
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(overlaps.get()).isZero();
    assertThat(ran).hasSize(submitters * perSubmitter);
    for (int t = 0; t < submitters; t++) {
      String prefix = t + ":";
      List<Integer> order =
          ran.stream()
              .filter(s -> s.startsWith(prefix))
              .map(s -> Integer.parseInt(s.substring(prefix.length())))
              .toList();
      assertThat(order).isSorted().hasSize(perSubmitter);
    }
  }

  @Test
  void execute_afterATaskThrows_keepsRunningLaterTasks() throws Exception {
    SerialExecutor serial = new SerialExecutor(pool);
    CountDownLatch later = new CountDownLatch(1);

    serial.execute(
        () -> {
          throw new IllegalStateException("boom");
        });
    serial.execute(later::countDown);

    assertThat(later.await(5, TimeUnit.SECONDS)).isTrue();
  }
}
