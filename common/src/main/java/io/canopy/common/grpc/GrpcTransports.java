package io.canopy.common.grpc;

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
   * Clients ping idle connections this often, so a long-lived stream (WatchModels) over a
   * silently dead connection is noticed; servers permit pings at this rate.
   */
  static final Duration KEEPALIVE = Duration.ofSeconds(30);

  /** A Netty server builder bound to host:port (port 0 picks a free one). */
  public static ServerBuilder<?> server(String host, int port, int maxInboundMessageBytes) {
    return NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
        .maxInboundMessageSize(maxInboundMessageBytes)
        .permitKeepAliveTime(KEEPALIVE.toSeconds() / 2, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true);
  }

  /** A plaintext channel to {@code target} ("host:port" or "dns:///name:port"). */
  public static ManagedChannel channel(String target, int maxInboundMessageBytes) {
    return NettyChannelBuilder.forTarget(target)
        .usePlaintext()
        .maxInboundMessageSize(maxInboundMessageBytes)
        .keepAliveTime(KEEPALIVE.toSeconds(), TimeUnit.SECONDS)
        .keepAliveTimeout(10, TimeUnit.SECONDS)
        .keepAliveWithoutCalls(true)
        .build();
  }
}
