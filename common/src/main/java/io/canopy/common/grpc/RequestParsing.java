package io.canopy.common.grpc;

import io.canopy.common.error.CanopyException;
import io.canopy.common.error.ErrorMapping;
import io.canopy.common.log.RateLimitedLog;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.util.List;

/**
 * Turns request bytes that do not parse as the method's message into INVALID_ARGUMENT. grpc-java
 * parses a request before any interceptor sees it; a parse failure there closes the call UNKNOWN
 * and logs a SEVERE stack trace per call. Here every method's request marshaller keeps the failure
 * as a value instead, and the call is answered INVALID_ARGUMENT with one rate-limited log line.
 * Wraps the outside of a service (after its interceptors), so they see the original types.
 */
public final class RequestParsing {

  private final RateLimitedLog log;

  public RequestParsing(RateLimitedLog log) {
    this.log = log;
  }

  /** {@code service} with every method's request parse failures answered INVALID_ARGUMENT. */
  public ServerServiceDefinition guard(ServerServiceDefinition service) {
    ServiceDescriptor original = service.getServiceDescriptor();
    List<ServerMethodDefinition<?, ?>> methods =
        service.getMethods().stream().<ServerMethodDefinition<?, ?>>map(this::guard).toList();
    // Reflection reads the schema descriptor: keep it.
    ServiceDescriptor.Builder descriptor =
        ServiceDescriptor.newBuilder(original.getName())
            .setSchemaDescriptor(original.getSchemaDescriptor());
    methods.forEach(m -> descriptor.addMethod(m.getMethodDescriptor()));
    ServerServiceDefinition.Builder out = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(out::addMethod);
    return out.build();
  }

  private <Q, R> ServerMethodDefinition<Parsed<Q>, R> guard(ServerMethodDefinition<Q, R> method) {
    MethodDescriptor<Q, R> original = method.getMethodDescriptor();
    MethodDescriptor<Parsed<Q>, R> guarded =
        original.toBuilder(
                new ParsingMarshaller<>(original.getRequestMarshaller()),
                original.getResponseMarshaller())
            .build();
    ServerCallHandler<Q, R> handler = method.getServerCallHandler();
    return ServerMethodDefinition.create(
        guarded, (call, headers) -> start(call, headers, original, handler));
  }

  private <Q, R> ServerCall.Listener<Parsed<Q>> start(
      ServerCall<Parsed<Q>, R> call,
      Metadata headers,
      MethodDescriptor<Q, R> original,
      ServerCallHandler<Q, R> handler) {
    ServerCall.Listener<Q> delegate =
        handler.startCall(new UnwrappedCall<>(call, original), headers);
    return new ServerCall.Listener<>() {
      private boolean refused;

      @Override
      public void onMessage(Parsed<Q> message) {
        if (refused) {
          return;
        }
        if (message.failure() == null) {
          delegate.onMessage(message.value());
          return;
        }
        refused = true;
        String type =
            original.getRequestMarshaller() instanceof MethodDescriptor.ReflectableMarshaller<?> r
                ? r.getMessageClass().getSimpleName()
                : "request";
        log.log(
            "refused "
                + original.getFullMethodName()
                + ": request bytes are not a valid "
                + type
                + " ("
                + message.failure().getClass().getSimpleName()
                + ")");
        StatusRuntimeException status =
            ErrorMapping.toStatusException(
                new CanopyException.InvalidArgument(
                    "request", "the request bytes are not a valid " + type + " message"));
        call.close(
            status.getStatus(),
            status.getTrailers() != null ? status.getTrailers() : new Metadata());
        delegate.onCancel();
      }

      @Override
      public void onHalfClose() {
        if (!refused) {
          delegate.onHalfClose();
        }
      }

      @Override
      public void onCancel() {
        if (!refused) {
          delegate.onCancel();
        }
      }

      @Override
      public void onComplete() {
        if (!refused) {
          delegate.onComplete();
        }
      }

      @Override
      public void onReady() {
        if (!refused) {
          delegate.onReady();
        }
      }
    };
  }

  /** A parsed request, or why the bytes did not parse. */
  record Parsed<Q>(Q value, RuntimeException failure) {}

  private record ParsingMarshaller<Q>(MethodDescriptor.Marshaller<Q> delegate)
      implements MethodDescriptor.Marshaller<Parsed<Q>> {
    @Override
    public InputStream stream(Parsed<Q> value) {
      return delegate.stream(value.value());
    }

    @Override
    public Parsed<Q> parse(InputStream stream) {
      try {
        return new Parsed<>(delegate.parse(stream), null);
      } catch (RuntimeException e) { // protobuf's marshaller throws StatusRuntimeException
        return new Parsed<>(null, e);
      }
    }
  }

  /** The call as the service and its interceptors know it: the original request type. */
  private static final class UnwrappedCall<Q, R> extends ServerCall<Q, R> {
    private final ServerCall<Parsed<Q>, R> call;
    private final MethodDescriptor<Q, R> method;

    UnwrappedCall(ServerCall<Parsed<Q>, R> call, MethodDescriptor<Q, R> method) {
      this.call = call;
      this.method = method;
    }

    @Override
    public void request(int numMessages) {
      call.request(numMessages);
    }

    @Override
    public void sendHeaders(Metadata headers) {
      call.sendHeaders(headers);
    }

    @Override
    public void sendMessage(R message) {
      call.sendMessage(message);
    }

    @Override
    public boolean isReady() {
      return call.isReady();
    }

    @Override
    public void close(Status status, Metadata trailers) {
      call.close(status, trailers);
    }

    @Override
    public boolean isCancelled() {
      return call.isCancelled();
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      call.setMessageCompression(enabled);
    }

    @Override
    public void setCompression(String compressor) {
      call.setCompression(compressor);
    }

    @Override
    public void setOnReadyThreshold(int numBytes) {
      call.setOnReadyThreshold(numBytes);
    }

    @Override
    public SecurityLevel getSecurityLevel() {
      return call.getSecurityLevel();
    }

    @Override
    public Attributes getAttributes() {
      return call.getAttributes();
    }

    @Override
    public String getAuthority() {
      return call.getAuthority();
    }

    @Override
    public MethodDescriptor<Q, R> getMethodDescriptor() {
      return method;
    }
  }
}
