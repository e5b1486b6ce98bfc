package io.canopy.common.tracing;

import io.grpc.Metadata;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;

/** gRPC metadata as a carrier of the W3C {@code traceparent} and {@code tracestate} headers. */
enum MetadataCarrier implements TextMapGetter<Metadata>, TextMapSetter<Metadata> {
  INSTANCE;

  private static final Metadata.Key<String> TRACEPARENT =
      Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> TRACESTATE =
      Metadata.Key.of("tracestate", Metadata.ASCII_STRING_MARSHALLER);

  @Override
  public Iterable<String> keys(Metadata carrier) {
    return carrier.keys();
  }

  @Override
  public String get(Metadata carrier, String key) {
    return carrier == null ? null : carrier.get(key(key));
  }

  @Override
  public void set(Metadata carrier, String key, String value) {
    if (carrier != null) {
      Metadata.Key<String> k = key(key);
      carrier.removeAll(k); // a header an earlier hop left in reused metadata is not repeated
      carrier.put(k, value);
    }
  }

  private static Metadata.Key<String> key(String name) {
    return switch (name) {
      case "traceparent" -> TRACEPARENT;
      case "tracestate" -> TRACESTATE;
      default -> Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    };
  }
}
