package io.canopy.bench;

import io.canopy.common.grpc.GrpcServer;
import io.canopy.common.grpc.GrpcTransports;
import java.util.List;

/**
 * The built-in floor's server: a Canopy gRPC server (same Netty transport, interceptors and health
 * service as the real ones) with no application service, on a loopback port. Timing its health
 * Check gives the cost of an empty unary call on this machine.
 */
final class FloorServer implements AutoCloseable {

  private final GrpcServer server;

  FloorServer() {
    this.server =
        new GrpcServer(
                GrpcTransports.server(
                    "127.0.0.1", 0, GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES),
                List.of(),
                List.of())
            .start();
    server.setServing(true);
  }

  String target() {
    return "127.0.0.1:" + server.port();
  }

  @Override
  public void close() {
    server.close();
  }
}
