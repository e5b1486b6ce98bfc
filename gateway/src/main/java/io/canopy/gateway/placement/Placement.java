package io.canopy.gateway.placement;

import io.grpc.CallOptions;
import io.grpc.stub.AbstractStub;

/**
 * What an upstream call tells the placement balancer ({@link PlacementLoadBalancer}): the model it
 * is for, and which attempt it is (a retry or a hedge goes to the model's next replica). Calls
 * without a model (feature reads, server calls) are spread over every replica.
 */
public final class Placement {

  static final CallOptions.Key<String> MODEL = CallOptions.Key.create("canopy-model");
  static final CallOptions.Key<Integer> ATTEMPT =
      CallOptions.Key.createWithDefault("canopy-attempt", 0);
  static final CallOptions.Key<Integer> SALT = CallOptions.Key.createWithDefault("canopy-salt", 0);

  private Placement() {}

  /**
   * {@code stub} for attempt {@code attempt} (0 first) of one call of {@code model}'s; {@code
   * salt}, drawn once per call, spreads calls over the model's set while its attempts walk it.
   */
  public static <S extends AbstractStub<S>> S forModel(
      S stub, String model, int attempt, int salt) {
    return stub.withOption(MODEL, model).withOption(ATTEMPT, attempt).withOption(SALT, salt);
  }
}
