package io.canopy.gateway.upstream;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/**
 * Runs every upstream call outside the caller's gRPC Context. The channel's load balancer does its
 * work on whichever thread touches it, in that thread's Context: the health-check streams it starts
 * there would die with the caller's call. Deadlines still travel in the CallOptions.
 */
final class RootContextCalls implements ClientInterceptor {

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    Context previous = Context.ROOT.attach();
    try {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          Context before = Context.ROOT.attach();
          try {
            super.start(listener, headers);
          } finally {
            Context.ROOT.detach(before);
          }
        }

        @Override
        public void sendMessage(Q message) {
          Context before = Context.ROOT.attach();
          try {
            super.sendMessage(message);
          } finally {
            Context.ROOT.detach(before);
          }
        }
      };
    } finally {
      Context.ROOT.detach(previous);
    }
  }
}
