package io.canopy.serving.model;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs version loads on a small pool of loader threads, off the gRPC and manager threads, and
 * reports each outcome (a {@link LoadedVersion} or a {@link LoadFailure}) back on the manager's
 * thread. A loaded version nobody can take any more (shutdown) is freed here.
 */
final class LoadPipeline implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(LoadPipeline.class.getName());
  private static final int LOADER_THREADS = 2;

  private final VersionLoader loader;
  private final ScheduledExecutorService control;
  private final BiConsumer<Slot.Loading, LoadedVersion> onLoaded;
  private final BiConsumer<Slot.Loading, LoadFailure> onFailed;
  private final ExecutorService loaders =
      Executors.newFixedThreadPool(
          LOADER_THREADS,
          Thread.ofPlatform().name("canopy-model-loader-", 0).daemon(true).factory());

  LoadPipeline(
      VersionLoader loader,
      ScheduledExecutorService control,
      BiConsumer<Slot.Loading, LoadedVersion> onLoaded,
      BiConsumer<Slot.Loading, LoadFailure> onFailed) {
    this.loader = loader;
    this.control = control;
    this.onLoaded = onLoaded;
    this.onFailed = onFailed;
  }

  /** Starts loading now. */
  void start(Slot.Loading slot) {
    try {
      loaders.execute(() -> load(slot));
    } catch (RejectedExecutionException e) {
      // Shutting down.
    }
  }

  /**
   * Starts loading after {@code delay}, if {@code stillWanted} then (checked on the manager
   * thread).
   */
  void startLater(Slot.Loading slot, Duration delay, BooleanSupplier stillWanted) {
    control.schedule(
        () -> {
          if (stillWanted.getAsBoolean()) {
            start(slot);
          }
        },
        delay.toNanos(),
        TimeUnit.NANOSECONDS);
  }

  private void load(Slot.Loading slot) {
    LoadedVersion loaded = null;
    LoadFailure failure = null;
    try {
      loaded = loader.load(slot.meta());
    } catch (LoadFailure e) {
      failure = e;
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "unexpected failure loading " + slot.key(), e);
      failure = LoadFailure.permanent("unexpected failure: " + e.getClass().getSimpleName(), e);
    }
    LoadedVersion result = loaded;
    LoadFailure error = failure;
    try {
      control.execute(
          () -> {
            if (result != null) {
              onLoaded.accept(slot, result);
            } else {
              onFailed.accept(slot, error);
            }
          });
    } catch (RejectedExecutionException e) {
      if (result != null) {
        result.retire();
      }
    }
  }

  /** Stops the loader threads, waiting for loads under way (native loads cannot be interrupted). */
  @Override
  public void close() {
    loaders.shutdownNow();
    ModelManager.await(loaders);
  }
}
