package io.canopy.common.grpc;

import io.canopy.common.config.Listen;
import io.canopy.common.tls.ClientTls;
import io.canopy.common.tls.ServerTls;
import io.grpc.ManagedChannel;
import io.grpc.ServerBuilder;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Netty transports for servers and channels. grpc-netty picks epoll by itself when
 * netty-transport-native-epoll is on the classpath (common depends on it), and owns its event
 * loops, so nothing here leaks threads.
 */
public final class GrpcTransports {

  /** Default inbound message limit: 64 MiB, enough for large batches, bounded against abuse. */
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_BYTES = 64 * 1024 * 1024;

  private GrpcTransports() {}

  /**
   * Clients ping idle connections this often, so a long-lived stream (WatchModels) over a silently
   * dead connection is noticed; servers permit pings at this rate.
   */
  static final Duration KEEPALIVE = Duration.ofSeconds(30);

  /** A Netty server builder bound to host:port (port 0 picks a free one). */
  public static ServerBuilder<?> server(String host, int port, int maxInboundMessageBytes) {
    FrameLogging.withoutHeaders();
    return NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
        .maxInboundMessageSize(maxInboundMessageBytes)
        .permitKeepAliveTime(KEEPALIVE.toSeconds() / 2, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true);
  }

  /**
   * A Netty server builder bound to {@code listen} with {@code limits}, serving TLS when {@code
   * tls} is enabled (then plaintext clients fail).
   */
  public static ServerBuilder<?> server(Listen listen, GrpcLimits limits, ServerTls tls) {
    NettyServerBuilder builder =
        (NettyServerBuilder) server(listen.host(), listen.port(), limits.maxInboundMessageBytes());
    builder.maxInboundMetadataSize(limits.maxInboundMetadataBytes());
    if (tls.enabled()) {
      builder.sslContext(tls.grpcContext());
    }
    return builder;
  }

  /** A plaintext channel to {@code target} ("host:port" or "dns:///name:port"). */
  public static ManagedChannel channel(String target, int maxInboundMessageBytes) {
    return channel(target, maxInboundMessageBytes, ClientTls.PLAINTEXT);
  }

  /**
   * A channel to {@code target}: plaintext, or TLS trusting only {@code tls}'s CA (a server whose
   * certificate does not chain to it fails the handshake: UNAVAILABLE).
   */
  public static ManagedChannel channel(String target, int maxInboundMessageBytes, ClientTls tls) {
    FrameLogging.withoutHeaders();
    return tls.applyTo(NettyChannelBuilder.forTarget(target))
        .maxInboundMessageSize(maxInboundMessageBytes)
        .keepAliveTime(KEEPALIVE.toSeconds(), TimeUnit.SECONDS)
        .keepAliveTimeout(10, TimeUnit.SECONDS)
        .keepAliveWithoutCalls(true)
        .build();
  }
}
