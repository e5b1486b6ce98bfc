package io.canopy.cli;

import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.Channel;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * Paced closed-loop Predict calls from a few client threads until stopped, counting every outcome:
 * answered correctly, failed with an expected status code, or anything else (another code, a wrong
 * value). Bounded by a call count and a duration, so it stops by itself.
 */
final class SteadyLoad implements AutoCloseable {

  private static final int MAX_CALLS = 200_000;
  private static final Duration MAX_DURATION = Duration.ofMinutes(3);
  private static final long CALL_DEADLINE_SECONDS = 10;

  /** One call to make: the request and the value its first row must predict. */
  record Call(PredictRequest request, double expected) {}

  /** One answered call: when it started and ended (nanoTime) and which version answered. */
  record Answer(long start, long end, long version) {}

  /**
   * What a fault run counted; {@code lost} is every call neither answered nor failed as expected.
   */
  record Counts(String fault, long sent, long ok, long failedExpected, long failedOther) {
    long lost() {
      return sent - ok - failedExpected;
    }

    /** The summary line copied into docs/RELIABILITY.md. */
    String line() {
      return String.format(
          "FAULT %s: sent %d, ok %d, failed %d (as expected %d), lost %d",
          fault, sent, ok, failedExpected + failedOther, failedExpected, lost());
    }
  }

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong failedExpected = new AtomicLong();
  private final AtomicLong failedOther = new AtomicLong();
  private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
  private final Queue<String> unexpected = new ConcurrentLinkedQueue<>();
  private final List<Thread> clients = new ArrayList<>();
  private final long created = System.nanoTime();

  private SteadyLoad() {}

  /**
   * Starts {@code clients} threads, each calling {@code calls} (by a running call number) through
   * {@code channel}, pausing {@code pause} between its calls.
   *
   * @param expected status codes that count as an expected failure (the fault's promise)
   */
  static SteadyLoad start(
      Channel channel,
      IntFunction<Call> calls,
      int clients,
      Duration pause,
      Set<Status.Code> expected) {
    SteadyLoad load = new SteadyLoad();
    var stub = InferenceServiceGrpc.newBlockingStub(channel);
    long stopAt = System.nanoTime() + MAX_DURATION.toNanos();
    for (int c = 0; c < clients; c++) {
      Thread t =
          new Thread(
              () -> {
                while (load.running.get() && System.nanoTime() < stopAt) {
                  long n = load.sent.getAndIncrement();
                  if (n >= MAX_CALLS) {
                    load.sent.decrementAndGet();
                    break;
                  }
                  load.call(stub, calls.apply((int) n), expected);
                  LockSupport.parkNanos(pause.toNanos());
                }
              },
              "steady-load-" + c);
      t.setDaemon(true);
      load.clients.add(t);
      t.start();
    }
    return load;
  }

  private void call(
      InferenceServiceGrpc.InferenceServiceBlockingStub stub,
      Call call,
      Set<Status.Code> expected) {
    long start = System.nanoTime();
    try {
      PredictResponse r =
          stub.withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS).predict(call.request());
      if (Math.abs(r.getValues(0) - call.expected()) > 1e-6) {
        failedOther.incrementAndGet();
        note("wrong value " + r.getValues(0) + ", expected " + call.expected());
      } else {
        ok.incrementAndGet();
        answers.add(new Answer(start, System.nanoTime(), r.getVersion()));
      }
    } catch (RuntimeException e) {
      Status status = Status.fromThrowable(e);
      if (expected.contains(status.getCode())) {
        failedExpected.incrementAndGet();
      } else {
        failedOther.incrementAndGet();
        note(status + " (call started " + (start - created) / 1_000_000 + " ms into the load)");
      }
    }
  }

  private void note(String failure) {
    if (unexpected.size() < 20) {
      unexpected.add(failure);
    }
  }

  long ok() {
    return ok.get();
  }

  long failedExpected() {
    return failedExpected.get();
  }

  /** Waits (at most {@code bound}) until {@code more} further calls have been answered. */
  void awaitAnswered(long more, Duration bound) {
    long target = ok.get() + more;
    long deadline = System.nanoTime() + bound.toNanos();
    while (ok.get() < target) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "load: "
                + more
                + " more answers not reached within "
                + bound
                + "; failures "
                + unexpected);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  /** Stops the clients (each finishes its call in flight) and returns the counts. */
  Counts stop(String fault) throws InterruptedException {
    running.set(false);
    for (Thread t : clients) {
      t.join(TimeUnit.SECONDS.toMillis(CALL_DEADLINE_SECONDS + 5));
    }
    return new Counts(fault, sent.get(), ok.get(), failedExpected.get(), failedOther.get());
  }

  /** Answered calls, in no particular order. */
  List<Answer> answers() {
    return List.copyOf(answers);
  }

  /** The first few unexpected failures, for assertion messages. */
  List<String> unexpectedFailures() {
    return List.copyOf(unexpected);
  }

  @Override
  public void close() throws InterruptedException {
    stop("closed");
  }
}
