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
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.TreeMap;

/**
 * The model manager's working state: the registry view, a slot per referenced version, and the
 * aliases as served. {@link #reconcile()} turns it into the next snapshot plus the loads to start
 * and the versions to retire. Confined to the manager's thread.
 *
 * <p>New before old: while an alias's new target is loading, the alias keeps serving its previous
 * version (if that is still loaded), and that version is retired only once nothing serves it.
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
    Set<VersionKey> retained = new HashSet<>();
    for (Model model : registry.models()) {
      for (long v : RegistryView.referenced(model)) {
        VersionKey key = new VersionKey(model.getName(), v);
        retained.add(key);
        ensureSlot(key, toLoad);
      }
    }
    Map<String, Map<String, Long>> served = new HashMap<>();
    for (Model model : registry.models()) {
      Map<String, Long> aliases = servedAliases(model);
      served.put(model.getName(), aliases);
      aliases.values().forEach(v -> retained.add(new VersionKey(model.getName(), v)));
    }
    List<LoadedVersion> toRetire = new ArrayList<>();
    boolean lingering = false;
    long now = nanoTime.getAsLong();
    for (Iterator<Slot> it = slots.values().iterator(); it.hasNext(); ) {
      Slot slot = it.next();
      if (retained.contains(slot.key())) {
        unreferencedSince.remove(slot.key());
        continue;
      }
      if (slot instanceof Slot.Available
          && retireGraceNanos > 0
          && served.containsKey(slot.key().model())
          && now - unreferencedSince.computeIfAbsent(slot.key(), k -> now) < retireGraceNanos) {
        lingering = true;
        continue;
      }
      it.remove();
      unreferencedSince.remove(slot.key());
      if (slot instanceof Slot.Available a) {
        toRetire.add(a.version());
      }
    }
    limits.keySet().retainAll(served.keySet());
    draining.removeIf(LoadedVersion::isDisposed);
    draining.addAll(toRetire);
    snapshot = buildSnapshot(served);
    return new Plan(snapshot, toLoad, toRetire, lingering);
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

  /**
   * The registry's aliases, except that an alias whose target is not loaded yet keeps its old one.
   */
  private Map<String, Long> servedAliases(Model model) {
    ServedModel previous = snapshot.models().get(model.getName());
    Map<String, Long> out = new TreeMap<>();
    RegistryView.aliases(model)
        .forEach(
            (alias, target) -> {
              Long before = previous == null ? null : previous.aliases().get(alias);
              boolean keepBefore =
                  before != null
                      && before != target.longValue()
                      && !isAvailable(model.getName(), target)
                      && isAvailable(model.getName(), before)
                      && isReady(new VersionKey(model.getName(), before));
              out.put(alias, keepBefore ? before : target);
            });
    return out;
  }

  private boolean isAvailable(String model, long version) {
    return slots.get(new VersionKey(model, version)) instanceof Slot.Available;
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
