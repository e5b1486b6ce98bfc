package io.canopy.registry.grpc;

import io.canopy.common.error.CanopyException.InvalidArgument;
import io.canopy.proto.registry.v1.TrafficPolicy;
import io.canopy.proto.registry.v1.TrafficSplit;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks a traffic policy's shape: targets set and distinct, percents 1-100 summing to 100, a
 * shadow only beside splits with a rate in (0, 1]. Whether targets exist and are READY is checked
 * by the store, in the transaction that saves the policy.
 */
final class TrafficPolicies {

  private TrafficPolicies() {}

  static TrafficPolicy validate(TrafficPolicy policy) {
    if (policy.getSplitsCount() == 0) {
      if (policy.hasShadow() || policy.getSticky()) {
        throw new InvalidArgument("policy.splits", "a policy with settings needs splits");
      }
      return policy;
    }
    Set<String> targets = new HashSet<>();
    int total = 0;
    for (int i = 0; i < policy.getSplitsCount(); i++) {
      TrafficSplit split = policy.getSplits(i);
      String field = "policy.splits[" + i + "]";
      String target =
          switch (split.getTargetCase()) {
            case VERSION -> "version " + Requests.version(field + ".version", split.getVersion());
            case ALIAS -> "alias " + Requests.name(field + ".alias", split.getAlias());
            case TARGET_NOT_SET -> throw new InvalidArgument(field, "needs a version or an alias");
          };
      if (!targets.add(target)) {
        throw new InvalidArgument(field, target + " appears twice");
      }
      if (split.getPercent() < 1 || split.getPercent() > 100) {
        throw new InvalidArgument(field + ".percent", "must be 1-100");
      }
      total += split.getPercent();
    }
    if (total != 100) {
      throw new InvalidArgument("policy.splits", "percents sum to " + total + ", not 100");
    }
    if (policy.hasShadow()) {
      Requests.version("policy.shadow.version", policy.getShadow().getVersion());
      double rate = policy.getShadow().getSampleRate();
      if (!(rate > 0 && rate <= 1)) {
        throw new InvalidArgument("policy.shadow.sample_rate", "must be in (0, 1]");
      }
    }
    return policy;
  }
}
