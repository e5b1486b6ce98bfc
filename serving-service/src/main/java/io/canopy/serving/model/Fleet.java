package io.canopy.serving.model;

import io.canopy.common.admission.InFlightLimit;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.VersionState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The model manager's working state: the registry view, a slot per referenced version, and the
 * aliases as served. {@link #reconcile()} turns it into the next snapshot plus the loads to start
 * and the versions to retire, deciding with the pure {@link SwapPolicy} (new before old, a retire
 * grace). Confined to the manager's thread.
 */
final class Fleet {

  /** What one reconcile decided. Publish the snapshot first, then retire, then load. */
  record Plan(
      ServingSnapshot snapshot,
      List<Slot.Loading> toLoad,
      List<LoadedVersion> toRetire,
      boolean lingering) {}

  private final RegistryView registry = new RegistryView();
  private final Map<VersionKey, Slot> slots = new HashMap<>();
  private final Map<String, InFlightLimit> limits = new HashMap<>();
  private final List<LoadedVersion> draining = new ArrayList<>();
  private final int maxInFlightPerModel;
  private final long retireGraceNanos;
  private final LongSupplier nanoTime;

  /** When each still-loaded version stopped being referenced (it lingers for the grace). */
  private final Map<VersionKey, Long> unreferencedSince = new HashMap<>();

  private ServingSnapshot snapshot = ServingSnapshot.EMPTY;

  /**
   * @param retireGrace how long a version stays loaded after traffic leaves it: gateways learn of
   *     an alias move a moment after serving does and still send the old version meanwhile
   */
  Fleet(int maxInFlightPerModel, Duration retireGrace, LongSupplier nanoTime) {
    this.maxInFlightPerModel = maxInFlightPerModel;
    this.retireGraceNanos = retireGrace.toNanos();
    this.nanoTime = nanoTime;
  }

  RegistryView registry() {
    return registry;
  }

  Plan reconcile() {
    List<Slot.Loading> toLoad = new ArrayList<>();
    Set<VersionKey> referenced = new HashSet<>();
    Map<String, Map<String, Long>> aliases = new HashMap<>();
    Map<String, Map<String, Long>> previouslyServed = new HashMap<>();
    for (Model model : registry.models()) {
      for (long v : RegistryView.referenced(model)) {
        VersionKey key = new VersionKey(model.getName(), v);
        referenced.add(key);
        ensureSlot(key, toLoad);
      }
      aliases.put(model.getName(), RegistryView.aliases(model));
      ServedModel previous = snapshot.models().get(model.getName());
      if (previous != null) {
        previouslyServed.put(model.getName(), previous.aliases());
      }
    }
    Map<VersionKey, SwapPolicy.Held> held = new HashMap<>();
    Set<VersionKey> ready = new HashSet<>();
    for (Slot slot : slots.values()) {
      held.put(slot.key(), held(slot));
      if (isReady(slot.key())) {
        ready.add(slot.key());
      }
    }
    SwapPolicy.Decision decision =
        SwapPolicy.decide(
            new SwapPolicy.Input(
                aliases,
                previouslyServed,
                referenced,
                held,
                ready,
                unreferencedSince,
                nanoTime.getAsLong(),
                retireGraceNanos));
    List<LoadedVersion> toRetire = new ArrayList<>();
    for (VersionKey key : decision.drop()) {
      if (slots.remove(key) instanceof Slot.Available a) {
        toRetire.add(a.version());
      }
    }
    unreferencedSince.clear();
    unreferencedSince.putAll(decision.lingering());
    limits.keySet().retainAll(decision.served().keySet());
    draining.removeIf(LoadedVersion::isDisposed);
    draining.addAll(toRetire);
    snapshot = buildSnapshot(decision.served());
    return new Plan(snapshot, toLoad, toRetire, !decision.lingering().isEmpty());
  }

  private static SwapPolicy.Held held(Slot slot) {
    return switch (slot) {
      case Slot.Loading l -> SwapPolicy.Held.LOADING;
      case Slot.Available a -> SwapPolicy.Held.LOADED;
      case Slot.Failed f -> SwapPolicy.Held.NOT_LOADABLE;
      case Slot.Blocked b -> SwapPolicy.Held.NOT_LOADABLE;
    };
  }

  private void ensureSlot(VersionKey key, List<Slot.Loading> toLoad) {
    Slot slot = slots.get(key);
    if (slot != null && !(slot instanceof Slot.Blocked)) {
      return;
    }
    ModelVersion meta = registry.version(key);
    Slot next;
    if (meta == null) {
      next = new Slot.Blocked(key, false, "the registry does not list this version");
    } else if (meta.getState() == VersionState.VERSION_STATE_READY) {
      Slot.Loading loading = new Slot.Loading(key, meta, 0, "queued");
      toLoad.add(loading);
      next = loading;
    } else if (meta.getState() == VersionState.VERSION_STATE_VALIDATING) {
      next = new Slot.Blocked(key, true, "the registry is still validating it");
    } else {
      next = new Slot.Blocked(key, false, "the registry marks it " + meta.getState());
    }
    slots.put(key, next);
  }

  private boolean isReady(VersionKey key) {
    ModelVersion meta = registry.version(key);
    return meta != null && meta.getState() == VersionState.VERSION_STATE_READY;
  }

  private ServingSnapshot buildSnapshot(Map<String, Map<String, Long>> served) {
    Map<String, TreeMap<Long, VersionEntry>> entries = new HashMap<>();
    for (ModelVersion v : registry.versions()) {
      VersionKey key = new VersionKey(v.getModel(), v.getVersion());
      entries
          .computeIfAbsent(v.getModel(), m -> new TreeMap<>())
          .put(v.getVersion(), new VersionEntry(key, v, slots.get(key)));
    }
    for (Slot slot : slots.values()) {
      VersionKey key = slot.key();
      entries
          .computeIfAbsent(key.model(), m -> new TreeMap<>())
          .putIfAbsent(key.version(), new VersionEntry(key, null, slot));
    }
    Map<String, ServedModel> models = new HashMap<>();
    boolean ready = registry.known();
    for (Model model : registry.models()) {
      String name = model.getName();
      ServedModel m =
          new ServedModel(
              name,
              Map.copyOf(served.get(name)),
              Collections.unmodifiableSortedMap(entries.getOrDefault(name, new TreeMap<>())),
              limits.computeIfAbsent(name, n -> new InFlightLimit(maxInFlightPerModel)));
      models.put(name, m);
      ready &= m.settled(m.aliases().values()) && m.settled(RegistryView.splitVersions(model));
    }
    return new ServingSnapshot(Map.copyOf(models), List.copyOf(draining), ready);
  }

  /** A load finished; false when the slot moved on meanwhile (the caller disposes the version). */
  boolean loaded(Slot.Loading expected, LoadedVersion version) {
    if (slots.get(expected.key()) != expected) {
      return false;
    }
    slots.put(expected.key(), new Slot.Available(expected.key(), version));
    return true;
  }

  /** A load failed for good; false when the slot moved on meanwhile. */
  boolean failed(Slot.Loading expected, String reason) {
    if (slots.get(expected.key()) != expected) {
      return false;
    }
    slots.put(expected.key(), new Slot.Failed(expected.key(), reason));
    return true;
  }

  /** A load failed transiently: the next attempt's slot, or null when the slot moved on. */
  Slot.Loading retrying(Slot.Loading expected, String reason) {
    if (slots.get(expected.key()) != expected) {
      return null;
    }
    Slot.Loading next =
        new Slot.Loading(
            expected.key(), expected.meta(), expected.attempt() + 1, "retrying: " + reason);
    slots.put(expected.key(), next);
    return next;
  }

  /** True while {@code loading} is still the version's slot (a scheduled retry is still wanted). */
  boolean isCurrent(Slot.Loading loading) {
    return slots.get(loading.key()) == loading;
  }

  /** Empties the fleet on shutdown; returns every loaded version for the caller to retire. */
  List<LoadedVersion> clear() {
    List<LoadedVersion> out = new ArrayList<>();
    for (Slot slot : slots.values()) {
      if (slot instanceof Slot.Available a) {
        out.add(a.version());
      }
    }
    slots.clear();
    snapshot = ServingSnapshot.EMPTY;
    return out;
  }
}
