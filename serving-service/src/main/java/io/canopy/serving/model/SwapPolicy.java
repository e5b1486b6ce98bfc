package io.canopy.serving.model;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The hot-swap policy, as a pure function (the way TF Serving's availability-preserving policy is):
 * given what the registry asks for and what this process has loaded, which version each alias
 * serves now, and which loaded versions leave. {@link Fleet#reconcile()} applies it.
 *
 * <ul>
 *   <li>New before old: an alias whose new target is not loaded yet keeps serving its previous
 *       version while that one is still loaded and still READY in the registry.
 *   <li>A version is kept while anything references it (an alias, a split, the shadow, latest) or
 *       an alias still serves it.
 *   <li>A loaded version nothing keeps lingers for the retire grace (gateways learn of an alias
 *       move a moment after serving does), then retires; one of a deleted model retires at once, as
 *       does any slot that is not loaded (a load in progress, a failure, a blocked version).
 * </ul>
 */
final class SwapPolicy {

  /** What this process has for a version (the {@link Slot} kinds the policy tells apart). */
  enum Held {
    LOADING,
    LOADED,
    NOT_LOADABLE,
    /** READY but not in memory: loads when asked for (the memory budget). */
    NOT_RESIDENT
  }

  /**
   * The state the policy reads.
   *
   * @param aliases per model, each alias's target in the registry ("latest" included)
   * @param previouslyServed per model, the target each alias served in the last snapshot
   * @param referenced every version anything in the registry references
   * @param held what this process has for each version it holds a slot for
   * @param ready the versions the registry lists as READY
   * @param unreferencedSince when each lingering loaded version stopped being kept (nanoTime)
   * @param now nanoTime now
   * @param graceNanos the retire grace; 0 retires at once
   */
  record Input(
      Map<String, Map<String, Long>> aliases,
      Map<String, Map<String, Long>> previouslyServed,
      Set<VersionKey> referenced,
      Map<VersionKey, Held> held,
      Set<VersionKey> ready,
      Map<VersionKey, Long> unreferencedSince,
      long now,
      long graceNanos) {}

  /**
   * What the policy decided.
   *
   * @param served per model, the version each alias serves now
   * @param drop slots to remove; among them the loaded versions that retire
   * @param lingering loaded versions kept only for the grace, with when they stopped being kept
   */
  record Decision(
      Map<String, Map<String, Long>> served,
      Set<VersionKey> drop,
      Map<VersionKey, Long> lingering) {}

  private SwapPolicy() {}

  static Decision decide(Input in) {
    Map<String, Map<String, Long>> served = new HashMap<>();
    Set<VersionKey> kept = new HashSet<>(in.referenced());
    in.aliases()
        .forEach(
            (model, aliases) -> {
              Map<String, Long> previous = in.previouslyServed().getOrDefault(model, Map.of());
              Map<String, Long> out = new TreeMap<>();
              aliases.forEach(
                  (alias, target) -> {
                    Long before = previous.get(alias);
                    boolean keepBefore =
                        before != null
                            && before.longValue() != target.longValue()
                            && in.held().get(new VersionKey(model, target)) != Held.LOADED
                            && in.held().get(new VersionKey(model, before)) == Held.LOADED
                            && in.ready().contains(new VersionKey(model, before));
                    long serves = keepBefore ? before : target;
                    out.put(alias, serves);
                    kept.add(new VersionKey(model, serves));
                  });
              served.put(model, out);
            });
    Set<VersionKey> drop = new HashSet<>();
    Map<VersionKey, Long> lingering = new HashMap<>();
    in.held()
        .forEach(
            (key, held) -> {
              if (kept.contains(key)) {
                return;
              }
              if (held == Held.LOADED && in.graceNanos() > 0 && served.containsKey(key.model())) {
                long since = in.unreferencedSince().getOrDefault(key, in.now());
                if (in.now() - since < in.graceNanos()) {
                  lingering.put(key, since);
                  return;
                }
              }
              drop.add(key);
            });
    return new Decision(served, drop, lingering);
  }
}
