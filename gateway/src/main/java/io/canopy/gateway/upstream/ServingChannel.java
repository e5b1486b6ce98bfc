package io.canopy.gateway.upstream;

import io.canopy.common.grpc.FrameLogging;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.tls.ClientTls;
import io.canopy.common.tracing.Tracing;
import io.canopy.gateway.metrics.GatewayMetrics;
import io.canopy.gateway.placement.PlacementLoadBalancerProvider;
import io.canopy.gateway.placement.PlacementSettings;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.NettyChannelBuilder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The channel to the serving replicas: each model's calls to its own replicas ({@link
 * io.canopy.gateway.placement.PlacementLoadBalancer}, rendezvous hashing) with grpc.health.v1
 * health checking, wrapped in grpc-java's outlier detection (a replica failing most of its calls is
 * ejected, then re-admitted after a growing ejection time), and grpc-java's own retries disabled
 * because {@link ResilientPredict} is the one place that retries. Call callbacks run on the Netty
 * event loop that read the response ({@code directExecutor}); blocking stubs still wait on their
 * own thread, and the load balancer's health checks and name resolution keep grpc-java's pools.
 */
final class ServingChannel {

  /**
   * Serving in this JVM ({@code canopy up}): {@code in-process:NAME} reaches the replica that
   * answers in-process under {@code serving.grpc.in-process-name: NAME}. Messages pass as objects,
   * no bytes, no sockets, no TLS; the replica's interceptors (tokens, request ids) still run.
   */
  static final String IN_PROCESS = "in-process:";

  private ServingChannel() {}

  /** A comma-separated list of host:port becomes a static target; anything else is used as is. */
  static String target(String configured) {
    if (!configured.contains(",")) {
      return configured;
    }
    return StaticNameResolverProvider.target(
        Arrays.stream(configured.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
  }

  static ManagedChannel open(
      String configured,
      ClientTls tls,
      java.util.Optional<String> token,
      PlacementSettings placement,
      GatewayMetrics metrics,
      Tracing tracing) {
    FrameLogging.withoutHeaders();
    ManagedChannelBuilder<?> builder =
        configured.startsWith(IN_PROCESS)
            ? InProcessChannelBuilder.forName(configured.substring(IN_PROCESS.length()))
            : tls.applyTo(NettyChannelBuilder.forTarget(target(configured)));
    // The gateway's own token for serving (gateway.upstream.token): it relays calls it has
    // already authorized, and batches rows of several callers into one call.
    token.ifPresent(
        t -> {
          io.grpc.Metadata headers = new io.grpc.Metadata();
          headers.put(io.canopy.common.auth.AuthInterceptor.AUTHORIZATION, "Bearer " + t);
          builder.intercept(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
        });
    ManagedChannel channel =
        builder
            .maxInboundMessageSize(GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES)
            .keepAliveTime(30, TimeUnit.SECONDS)
            .keepAliveTimeout(10, TimeUnit.SECONDS)
            .keepAliveWithoutCalls(true)
            .defaultServiceConfig(serviceConfig(placement))
            .disableRetry()
            // Responses complete their callers' futures on the event loop that read them: what
            // such a completion runs must never block (see GatewayServer's thread model).
            .directExecutor()
            // Never idle: leaving idle mode inside a caller's call would start the health-check
            // streams in that caller's gRPC Context, and they would die when its call ends.
            .idleTimeout(Long.MAX_VALUE, TimeUnit.DAYS)
            // Interceptors run last-added first: outcomes are counted inside the root context, and
            // a call's client span (tracing on) starts innermost, in the trace context its caller
            // made current (the root gRPC context carries none).
            .intercept(tracing.clientInterceptors())
            .intercept(new ReplicaOutcomes(metrics), new RootContextCalls())
            .build();
    Context.ROOT.run(() -> channel.getState(true));
    return channel;
  }

  /** Numbers are doubles: grpc-java parses service configs as JSON. */
  static Map<String, Object> serviceConfig(PlacementSettings placement) {
    Map<String, Object> outlierDetection =
        Map.of(
            "interval",
            "1s",
            "baseEjectionTime",
            "2s",
            "maxEjectionTime",
            "30s",
            "maxEjectionPercent",
            50.0,
            "failurePercentageEjection",
            Map.of(
                "threshold", 50.0,
                "enforcementPercentage", 100.0,
                "minimumHosts", 2.0,
                "requestVolume", 20.0),
            "childPolicy",
            List.of(
                Map.of(
                    PlacementLoadBalancerProvider.NAME,
                    Map.of(
                        "replicasPerModel",
                        (double) placement.replicasPerModel(),
                        "hotInFlight",
                        (double) placement.hotInFlight()))));
    return Map.of(
        "loadBalancingConfig", List.of(Map.of("outlier_detection_experimental", outlierDetection)),
        "healthCheckConfig", Map.of("serviceName", ""));
  }
}
