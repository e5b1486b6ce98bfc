package io.canopy.common.grpc;

import io.canopy.common.error.ErrorMappingInterceptor;
import io.canopy.common.log.RateLimitedLog;
import io.canopy.common.tracing.Tracing;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A gRPC server with the standard services every Canopy server carries: {@code
 * grpc.health.v1.Health}, server reflection (v1 and v1alpha, so grpcurl, Postman and evans work)
 * and the error-mapping interceptor; request bytes that do not parse are answered INVALID_ARGUMENT
 * ({@link RequestParsing}). Takes a {@link ServerBuilder} so tests can pass the in-process
 * transport.
 */
public final class GrpcServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(GrpcServer.class.getName());

  private final List<Server> servers;
  private final HealthStatusManager health;
  private final List<String> services;

  /**
   * @param builder the transport (Netty from {@link GrpcTransports}, or in-process in tests)
   * @param services the application services
   * @param interceptors extra interceptors (e.g. auth), applied to application services
   */
  public GrpcServer(
      ServerBuilder<?> builder,
      List<? extends BindableService> services,
      List<? extends ServerInterceptor> interceptors) {
    this(builder, services, interceptors, Tracing.off());
  }

  /**
   * Like the three-argument constructor, with a server span per call of the application services
   * when {@code tracing} is on (health and reflection calls are not traced: probes would drown the
   * traces that matter).
   */
  public GrpcServer(
      ServerBuilder<?> builder,
      List<? extends BindableService> services,
      List<? extends ServerInterceptor> interceptors,
      Tracing tracing) {
    this(List.of(builder), services, interceptors, tracing);
  }

  /**
   * One server answering on several transports at once, e.g. Netty for clients and the in-process
   * transport for a gateway in the same JVM: every transport carries the same services behind the
   * same interceptors and one health status. {@link #port()} is the first transport's.
   */
  public GrpcServer(
      List<? extends ServerBuilder<?>> transports,
      List<? extends BindableService> services,
      List<? extends ServerInterceptor> interceptors,
      Tracing tracing) {
    if (transports.isEmpty()) {
      throw new IllegalArgumentException("a gRPC server needs at least one transport");
    }
    this.health = new HealthStatusManager();
    ErrorMappingInterceptor errors = new ErrorMappingInterceptor();
    RequestParsing parsing =
        new RequestParsing(
            new RateLimitedLog(LOG, Level.WARNING, Duration.ofSeconds(10), System::nanoTime));
    List<ServerServiceDefinition> definitions = new ArrayList<>();
    for (BindableService service : services) {
      // Interceptors run in reverse order of the list: error mapping must be outermost but for
      // tracing, whose span ends with the status the error mapping chose.
      List<ServerInterceptor> chain = new ArrayList<>(interceptors);
      chain.add(errors);
      chain.addAll(tracing.serverInterceptors());
      definitions.add(parsing.guard(ServerInterceptors.intercept(service, chain)));
    }
    definitions.add(parsing.guard(health.getHealthService().bindService()));
    definitions.add(parsing.guard(ProtoReflectionServiceV1.newInstance().bindService()));
    definitions.add(parsing.guard(legacyReflection().bindService()));
    List<Server> built = new ArrayList<>();
    for (ServerBuilder<?> transport : transports) {
      definitions.forEach(transport::addService);
      built.add(transport.build());
    }
    this.servers = List.copyOf(built);
    this.services =
        services.stream().map(s -> s.bindService().getServiceDescriptor().getName()).toList();
    setServing(false);
  }

  @SuppressWarnings("deprecation") // v1alpha is what most deployed grpcurl/Postman builds ask for.
  private static BindableService legacyReflection() {
    return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
  }

  /** Starts listening. Health stays NOT_SERVING until {@link #setServing(boolean)}. */
  public GrpcServer start() {
    try {
      for (Server server : servers) {
        server.start();
      }
    } catch (IOException e) {
      servers.forEach(Server::shutdownNow);
      throw new UncheckedIOException("gRPC server failed to start: " + e.getMessage(), e);
    }
    return this;
  }

  /** The bound port (the real one when configured with port 0); -1 for in-process servers. */
  public int port() {
    return servers.get(0).getPort();
  }

  /** Sets the health status of the whole server and of every application service. */
  public void setServing(boolean serving) {
    ServingStatus status = serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
    for (String name : services) {
      health.setStatus(name, status);
    }
  }

  /** Graceful stop: refuse new calls, let in-flight calls finish within {@code grace}. */
  public void stop(Duration grace) {
    health.enterTerminalState();
    servers.forEach(Server::shutdown);
    long end = System.nanoTime() + grace.toNanos();
    try {
      for (Server server : servers) {
        if (!server.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          server.shutdownNow();
          server.awaitTermination(5, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      servers.forEach(Server::shutdownNow);
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(5));
  }
}
