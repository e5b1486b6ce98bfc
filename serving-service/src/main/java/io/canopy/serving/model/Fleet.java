package io.canopy.serving.model;

import io.canopy.common.admission.InFlightLimit;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.VersionState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
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
 *
 * <p>The memory budget: a version that appears is loaded when it fits (or when it is pinned, or
 * replaces a resident version behind an alias: those make room by eviction); otherwise it rests
 * ({@link Slot.Resting}) until a request {@link #demand demands} it, which evicts the least
 * recently used idle, unpinned versions ({@link MemoryBudget}) to make room.
 */
final class Fleet {

  /**
   * What one reconcile decided. Publish the snapshot first, then retire (and evict: the same
   * mechanism), then load.
   */
  record Plan(
      ServingSnapshot snapshot,
      List<Slot.Loading> toLoad,
      List<LoadedVersion> toRetire,
      List<LoadedVersion> toEvict,
      boolean lingering) {}

  private final RegistryView registry = new RegistryView();
  private final Map<VersionKey, Slot> slots = new HashMap<>();
  private final Map<String, InFlightLimit> limits = new HashMap<>();
  private final List<LoadedVersion> draining = new ArrayList<>();
  private final List<LoadedVersion> evicted = new ArrayList<>();
  private final Map<VersionKey, Long> knownCharge = new HashMap<>();
  private Set<VersionKey> pinned = Set.of();
  private final long budget;
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
  Fleet(int maxInFlightPerModel, Duration retireGrace, long budget, LongSupplier nanoTime) {
    this.budget = budget;
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
    pinned = pinned();
    Set<VersionKey> eager = new HashSet<>(pinned);
    eager.addAll(swapTargets());
    List<Model> models = new ArrayList<>(registry.models());
    // Pinned models first: they get the room.
    models.sort(Comparator.comparing(m -> !m.getTrafficPolicy().getPinned()));
    // Kept up to date as versions are admitted, not summed again for each (thousands of models).
    long charged = charged();
    for (Model model : models) {
      for (long v : RegistryView.referenced(model)) {
        VersionKey key = new VersionKey(model.getName(), v);
        referenced.add(key);
        charged = ensureSlot(key, eager.contains(key), toLoad, charged);
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
    List<LoadedVersion> toEvict = List.copyOf(evicted);
    evicted.clear();
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
    draining.addAll(toEvict);
    snapshot = buildSnapshot(decision.served());
    return new Plan(snapshot, toLoad, toRetire, toEvict, !decision.lingering().isEmpty());
  }

  private static SwapPolicy.Held held(Slot slot) {
    return switch (slot) {
      case Slot.Loading l -> SwapPolicy.Held.LOADING;
      case Slot.Available a -> SwapPolicy.Held.LOADED;
      case Slot.Failed f -> SwapPolicy.Held.NOT_LOADABLE;
      case Slot.Blocked b -> SwapPolicy.Held.NOT_LOADABLE;
      case Slot.Resting r -> SwapPolicy.Held.NOT_RESIDENT;
    };
  }

  /** Versions of pinned models that anything references. */
  private Set<VersionKey> pinned() {
    Set<VersionKey> out = new HashSet<>();
    for (Model model : registry.models()) {
      if (model.getTrafficPolicy().getPinned()) {
        for (long v : RegistryView.referenced(model)) {
          out.add(new VersionKey(model.getName(), v));
        }
      }
    }
    return out;
  }

  /**
   * Alias targets that replace a resident version: loaded at once (making room), or the alias would
   * keep serving the old version and the new one would never be asked for.
   */
  private Set<VersionKey> swapTargets() {
    Set<VersionKey> out = new HashSet<>();
    for (Model model : registry.models()) {
      ServedModel previous = snapshot.models().get(model.getName());
      if (previous == null) {
        continue;
      }
      RegistryView.aliases(model)
          .forEach(
              (alias, target) -> {
                Long before = previous.aliases().get(alias);
                if (before != null
                    && before.longValue() != target
                    && slots.get(new VersionKey(model.getName(), before))
                        instanceof Slot.Available) {
                  out.add(new VersionKey(model.getName(), target));
                }
              });
    }
    return out;
  }

  /** Gives {@code key} a slot if it has none yet; returns the bytes charged after it. */
  private long ensureSlot(VersionKey key, boolean eager, List<Slot.Loading> toLoad, long charged) {
    Slot slot = slots.get(key);
    if (slot instanceof Slot.Resting resting && eager) {
      return admit(key, resting.meta(), true, toLoad, charged);
    }
    if (slot != null && !(slot instanceof Slot.Blocked)) {
      return charged;
    }
    ModelVersion meta = registry.version(key);
    if (meta == null) {
      slots.put(key, new Slot.Blocked(key, false, "the registry does not list this version"));
      return charged;
    }
    if (meta.getState() == VersionState.VERSION_STATE_READY) {
      return admit(key, meta, eager, toLoad, charged);
    }
    Slot next;
    if (meta.getState() == VersionState.VERSION_STATE_VALIDATING) {
      next = new Slot.Blocked(key, true, "the registry is still validating it");
    } else {
      next = new Slot.Blocked(key, false, "the registry marks it " + meta.getState());
    }
    slots.put(key, next);
    return charged;
  }

  /**
   * A READY version this process should hold: loaded when it fits, or (eager) when eviction makes
   * room, or eager over budget (pinned versions are loaded whatever the budget); else it rests.
   * Returns the bytes charged after it, given {@code charged} before.
   */
  private long admit(
      VersionKey key, ModelVersion meta, boolean eager, List<Slot.Loading> toLoad, long charged) {
    long need = expectedCharge(key, meta);
    List<VersionKey> evictions = MemoryBudget.evictions(budget, charged, need, this::residents);
    if (evictions != null && (eager || evictions.isEmpty())) {
      charged -= evict(evictions);
    } else if (!eager) {
      slots.put(key, new Slot.Resting(key, meta, "no room in the memory budget"));
      return charged;
    }
    Slot.Loading loading = new Slot.Loading(key, meta, 0, "queued");
    toLoad.add(loading);
    slots.put(key, loading);
    return charged + need;
  }

  /**
   * A request wants {@code key}: the load to start (evicting what makes room), or null when it does
   * not rest here or no room can be made ({@link #rests} then still says true).
   */
  Slot.Loading demand(VersionKey key) {
    if (!(slots.get(key) instanceof Slot.Resting resting)) {
      return null;
    }
    List<VersionKey> evictions =
        MemoryBudget.evictions(
            budget, charged(), expectedCharge(key, resting.meta()), this::residents);
    if (evictions == null) {
      return null;
    }
    evict(evictions);
    Slot.Loading loading = new Slot.Loading(key, resting.meta(), 0, "loading on demand");
    slots.put(key, loading);
    return loading;
  }

  boolean rests(VersionKey key) {
    return slots.get(key) instanceof Slot.Resting;
  }

  /** After a load: evicts the least recently used others while the charges exceed the budget. */
  void trimToBudget() {
    List<VersionKey> evictions = MemoryBudget.evictions(budget, charged(), 0, this::residents);
    if (evictions != null) {
      evict(evictions);
    }
  }

  /** The bytes charged now: resident versions' charges, loading versions' expected charges. */
  long charged() {
    long total = 0;
    for (Slot slot : slots.values()) {
      total +=
          switch (slot) {
            case Slot.Available a -> a.version().charge();
            case Slot.Loading l -> expectedCharge(l.key(), l.meta());
            default -> 0;
          };
    }
    return total;
  }

  long budget() {
    return budget;
  }

  private long expectedCharge(VersionKey key, ModelVersion meta) {
    Long known = knownCharge.get(key);
    return known != null ? known : Charges.expected(meta);
  }

  private List<MemoryBudget.Resident> residents() {
    List<MemoryBudget.Resident> out = new ArrayList<>();
    for (Slot slot : slots.values()) {
      if (slot instanceof Slot.Available a) {
        LoadedVersion v = a.version();
        out.add(
            new MemoryBudget.Resident(
                a.key(), v.charge(), v.lastUsed(), v.idle() && !pinned.contains(a.key())));
      }
    }
    return out;
  }

  /** Evicts {@code keys}; returns the bytes their charges freed. */
  private long evict(List<VersionKey> keys) {
    long freed = 0;
    for (VersionKey key : keys) {
      Slot.Available a = (Slot.Available) slots.get(key);
      slots.put(key, new Slot.Resting(key, a.version().meta(), "evicted for room"));
      evicted.add(a.version());
      freed += a.version().charge();
    }
    return freed;
  }

  /** This process's slot for {@code key}, or null. */
  Slot slot(VersionKey key) {
    return slots.get(key);
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
              limits.computeIfAbsent(name, n -> new InFlightLimit(maxInFlightPerModel)),
              pinnedVersions(name));
      models.put(name, m);
      ready &= m.settled(m.aliases().values()) && m.settled(RegistryView.splitVersions(model));
    }
    return new ServingSnapshot(Map.copyOf(models), List.copyOf(draining), ready);
  }

  private Set<Long> pinnedVersions(String model) {
    Set<Long> out = new HashSet<>();
    for (VersionKey key : pinned) {
      if (key.model().equals(model)) {
        out.add(key.version());
      }
    }
    return out;
  }

  /** A load finished; false when the slot moved on meanwhile (the caller disposes the version). */
  boolean loaded(Slot.Loading expected, LoadedVersion version) {
    if (slots.get(expected.key()) != expected) {
      return false;
    }
    slots.put(expected.key(), new Slot.Available(expected.key(), version));
    knownCharge.put(expected.key(), version.charge());
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
    out.addAll(evicted);
    evicted.clear();
    slots.clear();
    snapshot = ServingSnapshot.EMPTY;
    return out;
  }
}
