package io.canopy.registry.validation;

import io.canopy.proto.registry.v1.ModelFormat;
import io.canopy.proto.registry.v1.ModelVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Validates models in a small pool of warm child JVMs ({@link ProbeWorker}), each with a heap cap,
 * an optional address-space cap, and a time cap per model. Children start on first use and are then
 * reused; one that crashed (SIGSEGV in the native loader), timed out or ran out of memory is killed
 * and replaced by a fresh one on the next validation, and each is recycled after {@link #MAX_USES}
 * models so that nothing leaked in it lives long. A child idle for {@code idleTimeout} is stopped:
 * a registry nobody uploads to holds no child at all. Untrusted bytes are only ever loaded in a
 * child.
 */
public final class ValidatorPool implements ModelValidator {

  private static final Logger LOG = Logger.getLogger(ValidatorPool.class.getName());

  static final int MAX_USES = 200;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final ProbeCommand command;
  private final Path scratchRoot;
  private final Duration timeout;
  private final Semaphore slots;
  private final Deque<ProbeWorker> idle = new ArrayDeque<>();

  /** When each idle child was given back (nanoTime), in the order of {@link #idle}. */
  private final Deque<Long> idleSince = new ArrayDeque<>();

  private final ExecutorService readers;
  private final Duration idleTimeout;
  private final ScheduledExecutorService reaper;
  private boolean closed;

  /**
   * @param command how to start a child
   * @param scratchRoot where each child gets its private directory (deleted with it)
   * @param timeout wall-clock cap per model
   * @param size children at most; more validations wait for a free one
   */
  public ValidatorPool(ProbeCommand command, Path scratchRoot, Duration timeout, int size) {
    this(command, scratchRoot, timeout, size, Duration.ZERO);
  }

  /** As above; a child idle for {@code idleTimeout} is stopped (zero: children stay warm). */
  public ValidatorPool(
      ProbeCommand command, Path scratchRoot, Duration timeout, int size, Duration idleTimeout) {
    this.command = command;
    // Absolute: the child runs with its scratch dir as working directory.
    this.scratchRoot = scratchRoot.toAbsolutePath();
    this.timeout = timeout;
    this.slots = new Semaphore(size, true);
    AtomicInteger n = new AtomicInteger();
    this.readers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "registry-probe-reader-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.idleTimeout = idleTimeout;
    if (idleTimeout.isZero()) {
      this.reaper = null;
    } else {
      this.reaper =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "registry-probe-reaper");
                t.setDaemon(true);
                return t;
              });
      long every = Math.max(1, idleTimeout.toMillis() / 4);
      reaper.scheduleWithFixedDelay(this::stopIdle, every, every, TimeUnit.MILLISECONDS);
    }
  }

  /** Stops the children idle longer than the idle timeout (the oldest are at the tail). */
  private void stopIdle() {
    List<ProbeWorker> stale = new ArrayList<>();
    long now = System.nanoTime();
    synchronized (this) {
      while (!idleSince.isEmpty() && now - idleSince.peekLast() >= idleTimeout.toNanos()) {
        idleSince.pollLast();
        stale.add(idle.pollLast());
      }
    }
    for (ProbeWorker w : stale) {
      w.close();
    }
  }

  @Override
  public ModelVersion validate(Path file, ModelFormat format) throws InterruptedException {
    slots.acquire();
    ProbeWorker worker = null;
    try {
      worker = take();
      return worker.validate(file, format, timeout);
    } catch (IOException e) {
      if (worker != null) {
        worker.close();
        worker = null;
      }
      throw new UncheckedIOException("cannot run model validation: " + e.getMessage(), e);
    } finally {
      if (worker != null) {
        giveBack(worker);
      }
      slots.release();
    }
  }

  private ProbeWorker take() throws IOException, InterruptedException {
    synchronized (this) {
      if (closed) {
        throw new IOException("the validator is closed");
      }
      ProbeWorker warm = idle.poll();
      if (warm != null) {
        idleSince.poll();
        return warm;
      }
    }
    return ProbeWorker.start(command, scratchRoot, readers, START_TIMEOUT);
  }

  private void giveBack(ProbeWorker worker) {
    boolean keep = !worker.broken() && worker.uses() < MAX_USES;
    synchronized (this) {
      if (keep && !closed) {
        idle.push(worker);
        idleSince.push(System.nanoTime());
        return;
      }
    }
    if (worker.broken()) {
      LOG.info("replacing a validation child that failed to answer");
    }
    worker.close();
  }

  /** Idle children (for tests and metrics). */
  synchronized int idleChildren() {
    return idle.size();
  }

  /** Ends every idle child; children busy now end when their validation returns. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      for (ProbeWorker w : idle) {
        w.close();
      }
      idle.clear();
      idleSince.clear();
    }
    if (reaper != null) {
      reaper.shutdownNow();
    }
    readers.shutdownNow();
  }
}
