package io.canopy.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Context;
import io.grpc.Deadline;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallDeadlinesTest {

  private final AtomicLong now = new AtomicLong(1_000);
  private final Deadline.Ticker ticker =
      new Deadline.Ticker() {
        @Override
        public long nanoTime() {
          return now.get();
        }
      };
  private final CallDeadlines deadlines = new CallDeadlines(Duration.ofSeconds(10), ticker);
  // Context needs a scheduler to cancel itself at its deadline; these tests end long before.
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopScheduler() {
    scheduler.shutdownNow();
  }

  private Deadline forCallUnder(Deadline callers) throws Exception {
    Context.CancellableContext context = Context.current().withDeadline(callers, scheduler);
    try {
      return context.call(deadlines::forCall);
    } finally {
      context.cancel(null);
    }
  }

  @Test
  void forCall_withoutCallerDeadline_isTheDefaultFromNow() {
    Deadline deadline = deadlines.forCall();

    assertThat(deadline.timeRemaining(TimeUnit.NANOSECONDS))
        .isEqualTo(Duration.ofSeconds(10).toNanos());
    now.addAndGet(Duration.ofSeconds(4).toNanos());
    assertThat(deadline.timeRemaining(TimeUnit.SECONDS)).isEqualTo(6);
  }

  @Test
  void forCall_withCallerDeadline_isTheCallersEvenWhenLonger() throws Exception {
    Deadline callers = Deadline.after(60, TimeUnit.SECONDS, ticker);

    Deadline deadline = forCallUnder(callers);

    assertThat(deadline).isSameAs(callers);
  }

  @Test
  void forCall_withShorterCallerDeadline_neverGoesPastIt() throws Exception {
    Deadline callers = Deadline.after(2, TimeUnit.SECONDS, ticker);

    Deadline deadline = forCallUnder(callers);

    assertThat(deadline.timeRemaining(TimeUnit.SECONDS)).isEqualTo(2);
  }
}
