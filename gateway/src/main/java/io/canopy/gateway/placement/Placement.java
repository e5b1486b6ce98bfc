package io.canopy.gateway.placement;

import io.grpc.CallOptions;
import io.grpc.stub.AbstractStub;

/**
 * What one gateway's upstream calls tell the placement balancer ({@link PlacementLoadBalancer}):
 * the model a call is for, which attempt it is (a retry or a hedge goes to the model's next
 * replica), the gateway's count of each model's calls in flight (what widens a hot model's set),
 * and where the gateway's picks are reported. Calls without a model (feature reads, server calls)
 * are spread over every replica.
 */
public final class Placement {

  /** Where a pick went among the model's replicas ranked by rendezvous hashing. */
  public enum Pick {
    /** One of the model's own {@code replicas-per-model}. */
    OWN,
    /** Past them, inside the set a hot model widened to. */
    SPREAD,
    /** Past the model's set: a retry or hedge once the set was tried. */
    BEYOND;

    /** The metric label. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Told of every pick the balancer makes for a model's call. */
  @FunctionalInterface
  public interface Picks {
    void picked(Pick pick);
  }

  /** What the balancer needs of one attempt of a model's call, in one option (one stub copy). */
  record Attempt(Placement caller, String model, int attempt, int salt) {}

  static final CallOptions.Key<Attempt> ATTEMPT = CallOptions.Key.create("canopy-placement");

  private final ModelLoad load = new ModelLoad();
  private final Picks picks;

  /** One per gateway: {@code picks} hears where each of its model calls went. */
  public Placement(Picks picks) {
    this.picks = picks;
  }

  /**
   * {@code stub} for attempt {@code attempt} (0 first) of one call of {@code model}'s; {@code
   * salt}, drawn once per call, spreads calls over the model's set while its attempts walk it.
   */
  public <S extends AbstractStub<S>> S forModel(S stub, String model, int attempt, int salt) {
    return stub.withOption(ATTEMPT, new Attempt(this, model, attempt, salt));
  }

  ModelLoad load() {
    return load;
  }

  void picked(Pick pick) {
    picks.picked(pick);
  }
}
