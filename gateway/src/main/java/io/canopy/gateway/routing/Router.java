package io.canopy.gateway.routing;

import io.canopy.common.error.CanopyException;
import io.canopy.common.names.Missing;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.TrafficPolicy;
import io.canopy.proto.registry.v1.TrafficSplit;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Resolves a request's model and selector to a concrete version: an explicit version as given; an
 * alias through the model's aliases ("latest" is the newest READY version); no selector through the
 * traffic policy's weighted splits (sticky by routing key when the policy says so), else
 * "production", else "latest". Models the watch has not shown yet pass through unchanged. A route
 * through an alias (also the default "production" or "latest", never a split) carries the alias's
 * previous target while its move is recent ({@link RoutingTable#fallback}).
 */
public final class Router {

  static final String PRODUCTION = "production";
  static final String LATEST = "latest";
  private static final int BUCKETS = 10_000;

  private final RoutingTable table;
  private final DoubleSupplier random;

  /**
   * @param random uniform in [0, 1): weighted picks without a sticky key, shadow sampling
   */
  public Router(RoutingTable table, DoubleSupplier random) {
    this.table = table;
    this.random = random;
  }

  public Route route(PredictRequest request) {
    Optional<Model> known = table.model(request.getModel());
    if (request.getVersionSelectorCase() == PredictRequest.VersionSelectorCase.VERSION) {
      if (request.getVersion() < 1) {
        throw new CanopyException.InvalidArgument(
            "version", "must be a version number (1 or more)");
      }
      return new Route(request.getVersion(), "version", 0);
    }
    if (request.getVersionSelectorCase() == PredictRequest.VersionSelectorCase.ALIAS
        && request.getAlias().isEmpty()) {
      throw new CanopyException.InvalidArgument(
          "alias", "is empty; leave the selector unset for the default");
    }
    if (known.isEmpty()) {
      return Route.passthrough();
    }
    Model model = known.get();
    if (request.getVersionSelectorCase() == PredictRequest.VersionSelectorCase.ALIAS) {
      long version = alias(model, request.getAlias());
      return new Route(version, "alias", 0, fallback(model, request.getAlias(), version));
    }
    TrafficPolicy policy = model.hasTrafficPolicy() ? model.getTrafficPolicy() : null;
    if (policy == null || policy.getSplitsCount() == 0) {
      String alias = model.containsAliases(PRODUCTION) ? PRODUCTION : LATEST;
      long version = LATEST.equals(alias) ? model.getLatestVersion() : alias(model, alias);
      if (version <= 0) {
        throw Missing.noDefault(model.getName());
      }
      return new Route(version, alias, shadow(policy), fallback(model, alias, version));
    }
    TrafficSplit split = pick(policy, request.getRoutingKey());
    long version = split.hasVersion() ? split.getVersion() : alias(model, split.getAlias());
    return new Route(version, "split", shadow(policy));
  }

  private long alias(Model model, String alias) {
    long version =
        LATEST.equals(alias) ? model.getLatestVersion() : model.getAliasesOrDefault(alias, 0);
    if (version <= 0) {
      throw Missing.alias(model.getName(), alias);
    }
    return version;
  }

  private long fallback(Model model, String alias, long version) {
    return table.fallback(model.getName(), alias, version);
  }

  private TrafficSplit pick(TrafficPolicy policy, String routingKey) {
    int total = 0;
    for (TrafficSplit s : policy.getSplitsList()) {
      total += s.getPercent();
    }
    long bucket =
        policy.getSticky() && !routingKey.isEmpty()
            ? Long.remainderUnsigned(StableHash.of(routingKey), BUCKETS)
            : (long) (random.getAsDouble() * BUCKETS);
    // Buckets are spread over the splits in proportion to their percents (they may not sum to 100).
    long point = bucket * total;
    long upper = 0;
    for (TrafficSplit s : policy.getSplitsList()) {
      upper += (long) s.getPercent() * BUCKETS;
      if (point < upper) {
        return s;
      }
    }
    return policy.getSplits(policy.getSplitsCount() - 1);
  }

  private long shadow(TrafficPolicy policy) {
    if (policy == null || !policy.hasShadow() || policy.getShadow().getVersion() <= 0) {
      return 0;
    }
    return random.getAsDouble() < policy.getShadow().getSampleRate()
        ? policy.getShadow().getVersion()
        : 0;
  }
}
