package io.canopy.serving.grpc;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one call's callbacks on a shared pool, one at a time and in order, as gRPC requires of a
 * call's listener. A drainer is scheduled only when the queue turns non-empty.
 */
final class SerialExecutor implements Executor {

  private static final Logger LOG = Logger.getLogger(SerialExecutor.class.getName());

  private final Executor pool;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();

  SerialExecutor(Executor pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    if (pending.getAndIncrement() == 0) {
      pool.execute(this::drain);
    }
  }

  private void drain() {
    do {
      Runnable task = tasks.poll();
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        // The call's own error mapping runs inside the task (and answers the call); this is only
        // a last resort, and must not stop this call's later callbacks from running.
        LOG.log(Level.WARNING, "a gRPC callback failed on the work pool", e);
      }
    } while (pending.decrementAndGet() > 0);
  }
}
