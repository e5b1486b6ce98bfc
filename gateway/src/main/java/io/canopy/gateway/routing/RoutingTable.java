package io.canopy.gateway.routing;

import io.canopy.common.metrics.MetricLabels;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.WatchModelsResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The models the registry's watch stream has shown so far (fed by {@link #apply}) (aliases, latest
 * version, traffic policy), replaced copy-on-write so that routing reads never lock. When an alias
 * (or "latest") moves, the table remembers its previous target for {@code aliasFallbackWindow}:
 * serving replicas may still be loading the new target then, and keep the old one loaded for their
 * retire grace.
 */
public final class RoutingTable implements MetricLabels.Known {

  private static final Logger LOG = Logger.getLogger(RoutingTable.class.getName());

  /** An alias's previous target and when the alias left it. */
  private record Moved(long from, Instant at) {}

  /** A model as last shown, and the aliases of it that moved (alias name to previous target). */
  private record Entry(Model model, Map<String, Moved> moved) {}

  private final AtomicReference<Map<String, Entry>> models = new AtomicReference<>(Map.of());
  private final Duration aliasFallbackWindow;
  private final Clock clock;
  private volatile Consumer<String> removed = model -> {};
  private volatile long revision;

  /**
   * @param aliasFallbackWindow how long a moved alias's previous target stays its fallback; zero:
   *     never
   * @param clock times alias moves and the window
   */
  public RoutingTable(Duration aliasFallbackWindow, Clock clock) {
    if (aliasFallbackWindow == null || aliasFallbackWindow.isNegative()) {
      throw new IllegalArgumentException(
          "gateway.routing.alias-fallback-window: "
              + aliasFallbackWindow
              + " must not be negative");
    }
    this.aliasFallbackWindow = aliasFallbackWindow;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** {@code removed} hears of each model that is deleted (or gone from a new snapshot). */
  public void onRemoved(Consumer<String> removed) {
    this.removed = Objects.requireNonNull(removed, "removed");
  }

  @Override
  public boolean hasModel(String name) {
    return models.get().containsKey(name);
  }

  public Optional<Model> model(String name) {
    return Optional.ofNullable(models.get().get(name)).map(Entry::model);
  }

  /**
   * The version {@code alias} of {@code model} pointed at before it moved to {@code target}, while
   * the move is younger than the fallback window; else 0.
   */
  long fallback(String model, String alias, long target) {
    Entry entry = models.get().get(model);
    Moved moved = entry == null ? null : entry.moved().get(alias);
    if (moved == null || moved.from() == target) {
      return 0;
    }
    Instant until = moved.at().plus(aliasFallbackWindow);
    return clock.instant().isBefore(until) ? moved.from() : 0;
  }

  /** The last registry revision applied; 0 before the first snapshot. */
  public long revision() {
    return revision;
  }

  /**
   * Applies one event of the registry's WatchModels stream (a snapshot, then each change), as
   * {@link io.canopy.common.registry.RegistryFollower} delivers them: one at a time, in order.
   */
  public void apply(WatchModelsResponse event) {
    switch (event.getKind()) {
      case CHANGE_KIND_SNAPSHOT -> replaceAll(event.getModelsList(), event.getRevision());
      case CHANGE_KIND_MODEL_UPSERTED, CHANGE_KIND_VERSION_UPSERTED -> {
        event.getModelsList().forEach(m -> upsert(m, event.getRevision()));
        if (event.getModelsCount() == 0) {
          advance(event.getRevision());
        }
      }
      case CHANGE_KIND_MODEL_DELETED -> delete(event.getDeletedModel(), event.getRevision());
      default -> LOG.fine(() -> "ignoring watch event of kind " + event.getKind());
    }
  }

  void replaceAll(Iterable<Model> snapshot, long atRevision) {
    Instant now = clock.instant();
    Map<String, Entry> current = models.get();
    Map<String, Entry> next = new HashMap<>();
    for (Model m : snapshot) {
      next.put(m.getName(), entry(current.get(m.getName()), m, now));
    }
    models.set(Map.copyOf(next));
    revision = atRevision;
    for (String name : current.keySet()) {
      if (!next.containsKey(name)) {
        removed.accept(name);
      }
    }
  }

  void upsert(Model model, long atRevision) {
    Instant now = clock.instant();
    models.updateAndGet(
        current -> {
          Map<String, Entry> next = new HashMap<>(current);
          next.put(model.getName(), entry(current.get(model.getName()), model, now));
          return Map.copyOf(next);
        });
    revision = atRevision;
  }

  void advance(long atRevision) {
    revision = atRevision;
  }

  void delete(String name, long atRevision) {
    models.updateAndGet(
        current -> {
          Map<String, Entry> next = new HashMap<>(current);
          next.remove(name);
          return Map.copyOf(next);
        });
    revision = atRevision;
    removed.accept(name);
  }

  /**
   * True for a version the model may have: 1 up to the highest it references (the newest READY
   * version, an alias's or a split's target, the shadow).
   */
  @Override
  public boolean hasVersion(String name, long version) {
    Entry entry = models.get().get(name);
    if (entry == null || version < 1) {
      return false;
    }
    Model m = entry.model();
    long highest = m.getLatestVersion();
    for (long v : m.getAliasesMap().values()) {
      highest = Math.max(highest, v);
    }
    for (var split : m.getTrafficPolicy().getSplitsList()) {
      highest = Math.max(highest, split.getVersion());
    }
    highest = Math.max(highest, m.getTrafficPolicy().getShadow().getVersion());
    return version <= highest;
  }

  /**
   * {@code model} with the moves of its aliases since {@code before}, and the earlier ones kept.
   */
  private static Entry entry(Entry before, Model model, Instant now) {
    Map<String, Long> targets = targets(model);
    Map<String, Moved> moved = new HashMap<>();
    if (before != null) {
      Map<String, Long> previous = targets(before.model());
      targets.forEach(
          (alias, target) -> {
            Long from = previous.get(alias);
            if (from != null && from != target.longValue()) {
              moved.put(alias, new Moved(from, now));
            } else if (before.moved().containsKey(alias)) {
              moved.put(alias, before.moved().get(alias));
            }
          });
    }
    return new Entry(model, Map.copyOf(moved));
  }

  /** The model's aliases and "latest", each with its version (only those that name one). */
  private static Map<String, Long> targets(Model model) {
    Map<String, Long> targets = new HashMap<>();
    model
        .getAliasesMap()
        .forEach(
            (alias, version) -> {
              if (version > 0) {
                targets.put(alias, version);
              }
            });
    if (model.getLatestVersion() > 0) {
      targets.put(Router.LATEST, model.getLatestVersion());
    }
    return targets;
  }
}
