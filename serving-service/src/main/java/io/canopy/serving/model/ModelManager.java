package io.canopy.serving.model;

import io.canopy.common.config.ByteSizes;
import io.canopy.common.error.CanopyException;
import io.canopy.common.metrics.MetricLabels;
import io.canopy.common.registry.RegistryFollower;
import io.canopy.common.retry.Backoff;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.WatchModelsResponse;
import io.canopy.serving.metrics.ServingMetrics;
import io.canopy.serving.predict.EngineChoice;
import io.grpc.Channel;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Keeps the versions that the registry references loaded and hands them to requests. It follows the
 * registry's watch stream (or, after a restart, its cached copy), loads versions on loader threads,
 * publishes each new state as an immutable snapshot, and retires versions that nothing references
 * once their in-flight requests finish.
 *
 * <p>All state changes run on one manager thread; requests only read the current snapshot.
 *
 * <p>Under a memory budget ({@link ManagerSettings#memoryBudget}), versions that do not fit rest
 * until a request asks for one: {@link #lease} then loads it (once, however many requests wait),
 * evicting the least recently used idle, unpinned versions to make room, and the requests go on
 * when it has loaded. At most two versions load at once.
 */
public final class ModelManager implements AutoCloseable, MetricLabels.Known {

  private static final Logger LOG = Logger.getLogger(ModelManager.class.getName());

  /** A request that meets a version freed under it re-reads the (newer) snapshot this often. */
  private static final int ACQUIRE_ATTEMPTS = 3;

  private final ScheduledThreadPoolExecutor control;
  private final Fleet fleet;
  private final ArtifactCache cache;
  private final LoadPipeline loads;
  private final Backoff backoff;
  private final RegistryFollower watcher;
  private final AtomicReference<ServingSnapshot> current =
      new AtomicReference<>(ServingSnapshot.EMPTY);
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Consumer<Boolean> readinessListener = ready -> {};
  private volatile long charged;
  private volatile boolean lastReady;
  private final ServingMetrics metrics;
  private final Duration retireGrace;

  private final ColdLoads coldLoads;

  public ModelManager(ManagerSettings settings, Channel registry, Clock clock) {
    this(settings, registry, clock, ServingMetrics.NOOP);
  }

  public ModelManager(
      ManagerSettings settings, Channel registry, Clock clock, ServingMetrics metrics) {
    this.metrics = metrics;
    metrics.loadedVersions(this::loadedCount);
    this.control =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().name("canopy-model-manager").daemon(true).factory());
    control.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    control.setRemoveOnCancelPolicy(true);
    this.fleet =
        new Fleet(
            settings.maxInFlightPerModel(),
            settings.retireGrace(),
            settings.memoryBudget(),
            System::nanoTime);
    metrics.memory(settings::memoryBudget, () -> charged);
    this.retireGrace = settings.retireGrace();
    this.coldLoads =
        new ColdLoads(
            key -> control.execute(() -> demand(key)),
            (key, nanos) -> metrics.coldLoaded(key.model(), key.version(), nanos));
    this.cache = new ArtifactCache(settings.cacheDir());
    this.backoff = Backoff.jittered(settings.reconnectInitial(), settings.reconnectMax());
    VersionLoader loader =
        new VersionLoader(
            cache,
            new ArtifactDownloader(
                ModelRegistryServiceGrpc.newBlockingStub(registry), settings.downloadTimeout()),
            settings.nthread(),
            settings.fastPath(),
            clock);
    this.loads = new LoadPipeline(loader, control, this::loaded, this::failed);
    this.watcher =
        new RegistryFollower(
            "serving",
            ModelRegistryServiceGrpc.newStub(registry),
            control,
            backoff,
            () -> fleet.registry().revision(),
            this::apply);
  }

  /** Called (on the manager thread) whenever readiness changes. Set before {@link #start()}. */
  public void onReadinessChange(Consumer<Boolean> listener) {
    this.readinessListener = listener;
  }

  /** Restores the cached registry state, if any, then starts following the registry. */
  public void start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("already started");
    }
    control.execute(
        () -> {
          cache
              .readState()
              .ifPresent(
                  state -> {
                    fleet.registry().apply(state);
                    LOG.info(
                        "restored registry state at revision "
                            + state.getRevision()
                            + " from the local cache");
                  });
          republish();
          watcher.start();
        });
  }

  /**
   * True once every version that served traffic at start-up was loaded (or failed for good), and
   * from then on. A replica that turned unready while it loads a newly referenced version would
   * take all its other models out of rotation, and every replica would do so at the same moment: an
   * outage. After start-up a version still loading answers UNAVAILABLE per request instead.
   */
  public boolean isReady() {
    return lastReady;
  }

  /**
   * Leases the version a request selects, taking one of its model's in-flight slots.
   *
   * @throws CanopyException NOT_FOUND for an unknown model, version or alias; UNAVAILABLE when the
   *     version is not loaded yet or the model is at its in-flight limit; FAILED_PRECONDITION when
   *     the version is not deployed here or failed to load
   */
  public Lease acquire(String model, VersionSelector selector) {
    for (int attempt = 0; attempt < ACQUIRE_ATTEMPTS; attempt++) {
      ServedModel served = current.get().model(model);
      LoadedVersion version = served.entry(served.resolve(selector)).servable();
      if (!served.limit().tryAcquire()) {
        throw new CanopyException.Unavailable("model '" + model + "' is at its in-flight limit");
      }
      if (version.tryAcquire()) {
        return new Lease(version, served.limit());
      }
      // Retired and freed between reading the snapshot and now: a newer snapshot is published.
      served.limit().release();
    }
    throw new CanopyException.Unavailable("model '" + model + "' is being swapped; retry");
  }

  /**
   * For a request that {@link #acquire} refused UNAVAILABLE: a future that completes once the
   * version it selects is in memory — loading it now if the memory budget left it out (once,
   * however many requests wait) — or fails why it cannot be (the load failed, no room: every
   * resident version pinned or busy). A waiting request holds one of its model's in-flight slots
   * (UNAVAILABLE when none is free). Null when waiting would not help (the in-flight limit, a
   * version retrying its download): the refusal stands. Each call returns its own future, which the
   * caller may bound by its deadline; then {@code acquire} again.
   */
  public CompletableFuture<Void> whenResident(String model, VersionSelector selector) {
    ServedModel served;
    VersionKey key;
    try {
      served = current.get().model(model);
      VersionEntry entry = served.entry(served.resolve(selector));
      if (!entry.worthWaitingFor()) {
        return null;
      }
      key = entry.key();
    } catch (CanopyException e) {
      return null;
    }
    // A waiting request holds one of its model's in-flight slots, as a computing one does: the
    // limit bounds what waiting requests keep in memory too.
    if (!served.limit().tryAcquire()) {
      return CompletableFuture.failedFuture(
          new CanopyException.Unavailable("model '" + model + "' is at its in-flight limit"));
    }
    AtomicBoolean released = new AtomicBoolean();
    Runnable release =
        () -> {
          if (released.compareAndSet(false, true)) {
            served.limit().release();
          }
        };
    // Released before the waiter goes on (so its acquire finds the slot free), or when the waiter
    // gives up first (its deadline completes the returned future).
    CompletableFuture<Void> waited =
        coldLoads.await(key).copy().whenComplete((v, t) -> release.run());
    waited.whenComplete((v, t) -> release.run());
    return waited;
  }

  /**
   * {@link #acquire}, waiting up to {@code timeoutNanos} for a version that is not in memory
   * ({@link #whenResident}); for callers on a thread that may block.
   *
   * @throws CanopyException as {@code acquire}, or DEADLINE_EXCEEDED when the wait runs out
   */
  public Lease acquireWaiting(String model, VersionSelector selector, long timeoutNanos) {
    try {
      return acquire(model, selector);
    } catch (CanopyException.Unavailable e) {
      CompletableFuture<Void> loaded = whenResident(model, selector);
      if (loaded == null) {
        throw e;
      }
      try {
        loaded.get(timeoutNanos, TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.TimeoutException t) {
        loaded.cancel(false); // gives its in-flight slot back
        throw new CanopyException.DeadlineExceeded(
            "the deadline passed while " + model + " was loading");
      } catch (java.util.concurrent.ExecutionException x) {
        throw x.getCause() instanceof RuntimeException r ? r : e;
      } catch (InterruptedException i) {
        loaded.cancel(false);
        Thread.currentThread().interrupt();
        throw e;
      }
      return acquire(model, selector);
    }
  }

  /** On the manager thread: a request waits for {@code key}; load it if it rests. */
  private void demand(VersionKey key) {
    Slot.Loading load = fleet.demand(key);
    if (load != null) {
      LOG.fine(() -> key + " loading on demand");
      republish();
      loads.start(load);
      return;
    }
    settle(key, true);
  }

  private void settle(VersionKey key, boolean demanded) {
    coldLoads.settle(key, fleet.slot(key), demanded, this::noRoom);
  }

  private RuntimeException noRoom(VersionKey key) {
    return new CanopyException.Unavailable(
        key
            + " is not in memory and the memory budget has no room for it ("
            + ByteSizes.format(charged)
            + " charged of "
            + ByteSizes.format(fleet.budget())
            + ", every resident version pinned or busy); retry");
  }

  /** True when the registry lists {@code model} (metric labels use only such names). */
  @Override
  public boolean hasModel(String model) {
    return current.get().models().containsKey(model);
  }

  /** True when the registry lists {@code version} of {@code model}. */
  @Override
  public boolean hasVersion(String model, long version) {
    ServedModel served = current.get().models().get(model);
    return served != null && served.versions().containsKey(version);
  }

  /** True when the selected version is loaded, without taking a lease. */
  public boolean isAvailable(String model, VersionSelector selector) {
    return current.get().isAvailable(model, selector);
  }

  /** Versions of a model that can serve right now, ascending; NOT_FOUND for an unknown model. */
  public List<Long> availableVersions(String model) {
    return current.get().availableVersions(model);
  }

  /** Status of every version this process knows, for one model or (empty name) for all. */
  public List<VersionStatus> status(String model) {
    return current.get().status(model);
  }

  private int loadedCount() {
    int n = 0;
    for (VersionStatus status : current.get().status("")) {
      if (status.state() == LoadState.AVAILABLE) {
        n++;
      }
    }
    return n;
  }

  private void apply(WatchModelsResponse event) {
    if (fleet.registry().apply(event)) {
      cache.writeState(fleet.registry().toSnapshot());
      republish();
    }
  }

  private void republish() {
    Fleet.Plan plan = fleet.reconcile();
    current.set(plan.snapshot());
    charged = fleet.charged();
    for (LoadedVersion v : plan.toRetire()) {
      LOG.info(() -> v.key() + " retired; freed once its in-flight requests finish");
      metrics.versionEvent(v.key().model(), v.key().version(), "retired");
      v.retire();
    }
    for (LoadedVersion v : plan.toEvict()) {
      LOG.fine(() -> v.key() + " evicted to stay within the memory budget");
      metrics.versionEvent(v.key().model(), v.key().version(), "evicted");
      v.retire();
    }
    for (VersionKey key : coldLoads.waitingFor()) {
      settle(key, false);
    }
    plan.toLoad().forEach(loads::start);
    if (plan.lingering()) {
      // Look again once the grace has passed; nothing else may happen to trigger it.
      control.schedule(this::republish, retireGrace.toMillis() + 1, TimeUnit.MILLISECONDS);
    }
    if (plan.snapshot().ready() && !lastReady) {
      lastReady = true;
      LOG.info("ready: every version serving traffic at start-up is loaded");
      readinessListener.accept(true);
    }
  }

  private void loaded(Slot.Loading slot, LoadedVersion loaded) {
    if (fleet.loaded(slot, loaded)) {
      fleet.trimToBudget();
      EngineChoice engine = loaded.predictor().engine();
      LOG.info(
          () ->
              slot.key()
                  + " available (sha256 "
                  + slot.meta().getSha256()
                  + "), small batches on "
                  + engine);
      metrics.versionEvent(slot.key().model(), slot.key().version(), "loaded");
      metrics.engineSelected(
          slot.key().model(),
          slot.key().version(),
          engine.engine().name().toLowerCase(Locale.ROOT),
          engine.reason());
      republish();
    } else {
      loaded.retire(); // Nothing references it any more.
    }
  }

  private void failed(Slot.Loading slot, LoadFailure failure) {
    if (failure.permanent()) {
      if (fleet.failed(slot, failure.getMessage())) {
        LOG.warning(slot.key() + " failed to load: " + failure.getMessage());
        metrics.versionEvent(slot.key().model(), slot.key().version(), "failed");
        republish();
      }
      return;
    }
    Slot.Loading next = fleet.retrying(slot, failure.getMessage());
    if (next != null) {
      LOG.fine(() -> slot.key() + " will retry: " + failure.getMessage());
      republish();
      loads.startLater(next, backoff.delay(slot.attempt()), () -> fleet.isCurrent(next));
    }
  }

  /**
   * Stops following the registry and frees every loaded version (versions still leased are freed by
   * their last request). Call after the gRPC server stopped taking requests.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    watcher.close();
    loads.close();
    control.shutdown();
    await(control);
    // Both executors have terminated: the fleet is this thread's now.
    current.set(ServingSnapshot.EMPTY);
    fleet.clear().forEach(LoadedVersion::retire);
    coldLoads.failAll(new CanopyException.Unavailable("serving stopped"));
  }

  static void await(ExecutorService executor) {
    try {
      if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warning("model manager threads did not stop within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
