package io.canopy.common.grpc;

import io.canopy.common.config.ConfigLoader;
import io.helidon.config.Config;

/**
 * What one inbound call may carry on a gRPC server: a larger message is refused with
 * RESOURCE_EXHAUSTED, larger metadata (headers) is refused before the call starts. The connection
 * stays open for other calls either way.
 *
 * @param maxInboundMessageBytes {@code <service>.grpc.max-inbound-message-bytes}
 * @param maxInboundMetadataBytes {@code <service>.grpc.max-inbound-metadata-bytes}
 */
public record GrpcLimits(int maxInboundMessageBytes, int maxInboundMetadataBytes) {

  /** 64 MiB messages (large batches) and 8 KiB of metadata (grpc-java's own default). */
  public static final GrpcLimits DEFAULTS =
      new GrpcLimits(GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES, 8 * 1024);

  public GrpcLimits {
    if (maxInboundMessageBytes < 1) {
      throw new IllegalArgumentException(
          "max-inbound-message-bytes: " + maxInboundMessageBytes + " must be positive");
    }
    if (maxInboundMetadataBytes < 1024) {
      throw new IllegalArgumentException(
          "max-inbound-metadata-bytes: " + maxInboundMetadataBytes + " must be at least 1024");
    }
  }

  /** Reads both limits under a service's {@code grpc} node, naming the key on a bad value. */
  public static GrpcLimits create(Config grpc) {
    int message = ConfigLoader.intValue(grpc, "max-inbound-message-bytes");
    int metadata = ConfigLoader.intValue(grpc, "max-inbound-metadata-bytes");
    try {
      return new GrpcLimits(message, metadata);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(grpc.key() + "." + e.getMessage(), e);
    }
  }
}
