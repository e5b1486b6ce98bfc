package io.canopy.gateway.upstream;

import io.canopy.gateway.metrics.GatewayMetrics;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Counts every upstream call's outcome by the replica (the transport's remote address) that
 * answered it. grpc-java's outlier detection keeps its ejections to itself, so this is what can be
 * observed honestly: a replica whose calls fail, or that stops getting calls (ejected, unhealthy),
 * shows in these counts. A call that never reached a replica is counted as "none".
 */
final class ReplicaOutcomes implements ClientInterceptor {

  private final GatewayMetrics metrics;

  ReplicaOutcomes(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        ClientCall<Q, R> call = this;
        super.start(
            new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onClose(Status status, Metadata trailers) {
                metrics.replicaOutcome(replica(call), status.getCode().name());
                super.onClose(status, trailers);
              }
            },
            headers);
      }
    };
  }

  private static String replica(ClientCall<?, ?> call) {
    SocketAddress address;
    try {
      address = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    } catch (RuntimeException e) {
      // Attributes are only defined once a stream exists.
      return "none";
    }
    if (address instanceof InetSocketAddress inet) {
      return inet.getAddress() != null
          ? inet.getAddress().getHostAddress() + ":" + inet.getPort()
          : inet.getHostString() + ":" + inet.getPort();
    }
    return address == null ? "none" : address.toString();
  }
}
