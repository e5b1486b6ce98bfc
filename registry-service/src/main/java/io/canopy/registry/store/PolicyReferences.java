package io.canopy.registry.store;

import io.canopy.proto.registry.v1.TrafficPolicy;
import io.canopy.proto.registry.v1.TrafficSplit;

/** What a traffic policy points at, so referenced versions and aliases are not removed. */
final class PolicyReferences {

  private PolicyReferences() {}

  static boolean version(TrafficPolicy policy, long version) {
    for (TrafficSplit split : policy.getSplitsList()) {
      if (split.hasVersion() && split.getVersion() == version) {
        return true;
      }
    }
    return policy.hasShadow() && policy.getShadow().getVersion() == version;
  }

  static boolean alias(TrafficPolicy policy, String alias) {
    for (TrafficSplit split : policy.getSplitsList()) {
      if (split.hasAlias() && split.getAlias().equals(alias)) {
        return true;
      }
    }
    return false;
  }
}
