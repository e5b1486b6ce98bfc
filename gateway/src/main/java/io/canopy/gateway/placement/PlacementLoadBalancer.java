package io.canopy.gateway.placement;

import io.grpc.CallOptions;
import io.grpc.ConnectivityState;
import io.grpc.EquivalentAddressGroup;
import io.grpc.Status;
import io.grpc.util.MultiChildLoadBalancer;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The gateway's balancer over serving replicas: one pick_first child per replica (grpc-java's
 * {@link MultiChildLoadBalancer}, health-checked like round_robin), and a picker that sends each
 * model's calls to its own replicas — the first {@code replicas-per-model} of the healthy ones in
 * {@link Rendezvous} order — so a replica under a memory budget holds the models it is sent, not
 * all of them. A model with more calls in flight than its set should carry widens its set; a retry
 * or hedge goes to the set's next replica, then beyond it. Calls without a model are spread over
 * every replica.
 */
final class PlacementLoadBalancer extends MultiChildLoadBalancer {

  /** A replica's identity: its addresses as text, the same on every gateway. */
  record Replica(String address) {}

  private final AtomicInteger sequence = new AtomicInteger();
  private volatile PlacementSettings settings = PlacementSettings.DEFAULT;
  private SubchannelPicker currentPicker;

  PlacementLoadBalancer(Helper helper) {
    super(helper);
  }

  @Override
  public Status acceptResolvedAddresses(ResolvedAddresses resolved) {
    if (resolved.getLoadBalancingPolicyConfig() instanceof PlacementSettings s) {
      settings = s;
    }
    return super.acceptResolvedAddresses(resolved);
  }

  @Override
  protected Map<Object, ResolvedAddresses> createChildAddressesMap(ResolvedAddresses resolved) {
    Map<Object, ResolvedAddresses> byEndpoint = super.createChildAddressesMap(resolved);
    Map<Object, ResolvedAddresses> out = new LinkedHashMap<>();
    byEndpoint.forEach(
        (endpoint, addresses) ->
            out.put(new Replica(address(addresses.getAddresses())), addresses));
    return out;
  }

  private static String address(List<EquivalentAddressGroup> groups) {
    return groups.stream()
        .flatMap(g -> g.getAddresses().stream())
        .map(PlacementLoadBalancer::address)
        .sorted()
        .collect(Collectors.joining(","));
  }

  private static String address(SocketAddress a) {
    return a instanceof InetSocketAddress i ? i.getHostString() + ":" + i.getPort() : a.toString();
  }

  /** As round_robin: a replica whose connection went idle reconnects at once. */
  @Override
  protected ChildLbState createChildLbState(Object key) {
    return new ChildLbState(key, pickFirstLbProvider) {
      @Override
      protected ChildLbStateHelper createChildHelper() {
        return new ChildLbStateHelper() {
          @Override
          public void updateBalancingState(ConnectivityState state, SubchannelPicker picker) {
            super.updateBalancingState(state, picker);
            if (!resolvingAddresses && state == ConnectivityState.IDLE) {
              getLb().requestConnection();
            }
          }
        };
      }
    };
  }

  @Override
  protected void updateOverallBalancingState() {
    List<ChildLbState> ready = getReadyChildren();
    if (!ready.isEmpty()) {
      update(ConnectivityState.READY, new Picker(ready, settings, sequence));
      return;
    }
    boolean connecting = false;
    for (ChildLbState child : getChildLbStates()) {
      ConnectivityState state = child.getCurrentState();
      connecting |= state == ConnectivityState.CONNECTING || state == ConnectivityState.IDLE;
    }
    if (connecting) {
      update(ConnectivityState.CONNECTING, new Waiting());
    } else {
      List<ChildLbState> all = new ArrayList<>(getChildLbStates());
      update(
          ConnectivityState.TRANSIENT_FAILURE,
          all.isEmpty()
              ? new Failing(Status.UNAVAILABLE.withDescription("no serving replica"))
              : new Picker(all, settings, sequence));
    }
  }

  private void update(ConnectivityState state, SubchannelPicker picker) {
    if (state != currentConnectivityState || !picker.equals(currentPicker)) {
      getHelper().updateBalancingState(state, picker);
      currentConnectivityState = state;
      currentPicker = picker;
    }
  }

  /** Picks for each call by its model; see the class comment. */
  static final class Picker extends SubchannelPicker {

    private final List<ChildLbState> children;
    private final long[] hashes;
    private final PlacementSettings settings;
    private final AtomicInteger sequence;

    Picker(List<ChildLbState> children, PlacementSettings settings, AtomicInteger sequence) {
      this.children = List.copyOf(children);
      this.settings = settings;
      this.sequence = sequence;
      this.hashes = new long[children.size()];
      for (int i = 0; i < hashes.length; i++) {
        hashes[i] = Rendezvous.hash(((Replica) children.get(i).getKey()).address());
      }
    }

    @Override
    public PickResult pickSubchannel(PickSubchannelArgs args) {
      CallOptions options = args.getCallOptions();
      Placement.Attempt call = options.getOption(Placement.ATTEMPT);
      int n = children.size();
      if (call == null) {
        return children
            .get((sequence.getAndIncrement() & Integer.MAX_VALUE) % n)
            .getCurrentPicker()
            .pickSubchannel(args);
      }
      Placement caller = call.caller();
      String model = call.model();
      int[] order = Rendezvous.rank(Rendezvous.hash(model), hashes);
      int attempt = call.attempt();
      int salt = call.salt();
      int width = width(settings, n, caller.load().inFlight(model));
      int position = slot(width, n, attempt, salt);
      PickResult result = children.get(order[position]).getCurrentPicker().pickSubchannel(args);
      if (result.getSubchannel() == null || result.getStreamTracerFactory() != null) {
        return result;
      }
      caller.picked(kind(settings, n, width, position));
      return PickResult.withSubchannel(result.getSubchannel(), caller.load().tracer(model));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Picker p && p.children.equals(children) && p.settings.equals(settings);
    }

    @Override
    public int hashCode() {
      return children.hashCode();
    }
  }

  /**
   * Which of a model's ranked replicas attempt {@code attempt} of a call goes to: its attempts walk
   * the model's set (widened while the model is hot) from where the call's salt puts it, then the
   * replicas past the set.
   */
  static int slot(int width, int n, int attempt, int salt) {
    if (attempt < width) {
      return Math.floorMod(salt + attempt, width);
    }
    return attempt % n;
  }

  /** Where {@code position} (0 first) of a model's ranked replicas is, against its set. */
  static Placement.Pick kind(PlacementSettings settings, int n, int width, int position) {
    if (position < Math.min(settings.replicasPerModel(), n)) {
      return Placement.Pick.OWN;
    }
    return position < width ? Placement.Pick.SPREAD : Placement.Pick.BEYOND;
  }

  /**
   * The size of a model's set among {@code n} healthy replicas: replicas-per-model, widened by one
   * replica per hot-in-flight of its calls in flight beyond what that many carry.
   */
  static int width(PlacementSettings settings, int n, int inFlight) {
    int k = Math.min(settings.replicasPerModel(), n);
    int wanted = (inFlight + settings.hotInFlight() - 1) / settings.hotInFlight();
    return Math.min(n, Math.max(k, wanted));
  }

  /** No replica connected yet: calls wait. */
  private static final class Waiting extends SubchannelPicker {
    @Override
    public PickResult pickSubchannel(PickSubchannelArgs args) {
      return PickResult.withNoResult();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Waiting;
    }

    @Override
    public int hashCode() {
      return 1;
    }
  }

  private static final class Failing extends SubchannelPicker {
    private final Status status;

    Failing(Status status) {
      this.status = status;
    }

    @Override
    public PickResult pickSubchannel(PickSubchannelArgs args) {
      return PickResult.withError(status);
    }
  }
}
