package io.canopy.common.testing;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.tls.ClientTls;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * One-call probes of a listener on loopback, for the TLS tests of every service: a gRPC health
 * check over a channel with given security, and an HTTP(S) GET. Each is bounded by a deadline.
 */
public final class ListenerProbes {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private ListenerProbes() {}

  /**
   * Calls {@code grpc.health.v1.Health/Check} on 127.0.0.1:{@code port}; OK when the server
   * answered (whatever its health), else the failure's code (UNAVAILABLE for a failed handshake).
   */
  public static Status.Code grpcHealth(int port, ClientTls tls) {
    ManagedChannel channel = GrpcTransports.channel("127.0.0.1:" + port, 1 << 20, tls);
    try {
      HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .check(HealthCheckRequest.getDefaultInstance());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    } finally {
      channel.shutdownNow();
    }
  }

  /**
   * GETs {@code path} from {@code scheme}://127.0.0.1:{@code port} and returns the status code;
   * {@code ssl} null uses the JDK's default trust. Throws when no HTTP answer comes (a plaintext
   * request to a TLS port, or a certificate the client does not trust).
   */
  public static int httpGet(String scheme, int port, String path, SSLContext ssl)
      throws IOException, InterruptedException {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT);
    if (ssl != null) {
      builder.sslContext(ssl);
    }
    try (HttpClient client = builder.build()) {
      return client
          .send(
              HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + path))
                  .timeout(TIMEOUT)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    }
  }
}
