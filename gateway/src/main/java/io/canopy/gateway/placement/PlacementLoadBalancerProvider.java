package io.canopy.gateway.placement;

import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.protobuf.services.HealthCheckingLoadBalancerUtil;
import java.util.Map;

/**
 * Registers {@link PlacementLoadBalancer} as the policy {@value #NAME} (through {@code
 * META-INF/services}), health-checked as round_robin is. Its JSON config: {@code
 * {"replicasPerModel": 2, "hotInFlight": 32}}.
 */
public final class PlacementLoadBalancerProvider extends LoadBalancerProvider {

  public static final String NAME = "canopy_placement";

  @Override
  public boolean isAvailable() {
    return true;
  }

  @Override
  public int getPriority() {
    return 5;
  }

  @Override
  public String getPolicyName() {
    return NAME;
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
    return HealthCheckingLoadBalancerUtil.newHealthCheckingLoadBalancer(
        new LoadBalancer.Factory() {
          @Override
          public LoadBalancer newLoadBalancer(LoadBalancer.Helper h) {
            return new PlacementLoadBalancer(h);
          }
        },
        helper);
  }

  @Override
  public NameResolver.ConfigOrError parseLoadBalancingPolicyConfig(Map<String, ?> raw) {
    try {
      return NameResolver.ConfigOrError.fromConfig(
          new PlacementSettings(
              number(raw, "replicasPerModel", PlacementSettings.DEFAULT.replicasPerModel()),
              number(raw, "hotInFlight", PlacementSettings.DEFAULT.hotInFlight())));
    } catch (IllegalArgumentException e) {
      return NameResolver.ConfigOrError.fromError(
          Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
    }
  }

  private static int number(Map<String, ?> raw, String key, int fallback) {
    Object v = raw.get(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException(key + " is not a number: " + v);
    }
    return n.intValue();
  }
}
