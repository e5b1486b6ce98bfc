package io.canopy.serving.model;

import io.canopy.common.admission.InFlightLimit;
import io.canopy.common.names.Missing;
import java.util.Map;

/**
 * One model as requests see it in a snapshot.
 *
 * @param aliases the aliases this process serves, "latest" included: the registry's target, or
 *     while that target is still loading, the version that served the alias before
 * @param versions every version the registry lists or this process holds, by ascending number
 * @param limit the model's in-flight limit, the same object across snapshots
 * @param pinned versions kept in memory whatever the budget (a pinned traffic policy)
 */
record ServedModel(
    String name,
    Map<String, Long> aliases,
    Map<Long, VersionEntry> versions,
    InFlightLimit limit,
    java.util.Set<Long> pinned) {

  static final String PRODUCTION = "production";

  /** The version number a selector picks. */
  long resolve(VersionSelector selector) {
    return switch (selector) {
      case VersionSelector.Explicit e -> e.version();
      case VersionSelector.Alias a -> {
        Long v = aliases.get(a.name());
        if (v == null) {
          throw Missing.alias(name, a.name());
        }
        yield v;
      }
      case VersionSelector.Default d -> {
        Long v = aliases.getOrDefault(PRODUCTION, aliases.get(RegistryView.LATEST));
        if (v == null) {
          throw Missing.noDefault(name);
        }
        yield v;
      }
    };
  }

  /** The entry of a version number, or NOT_FOUND. */
  VersionEntry entry(long version) {
    VersionEntry entry = versions.get(version);
    if (entry == null) {
      throw Missing.version(name, version);
    }
    return entry;
  }

  /** True when requests without a version selector can be served right now. */
  boolean settled(Iterable<Long> mustSettle) {
    for (long v : mustSettle) {
      VersionEntry e = versions.get(v);
      if (e == null || !e.settled()) {
        return false;
      }
    }
    return true;
  }
}
