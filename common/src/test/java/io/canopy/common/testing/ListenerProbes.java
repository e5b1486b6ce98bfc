package io.canopy.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.tls.ClientTls;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * One-call probes of a listener on loopback, for the TLS tests of every service: a gRPC health
 * check over a channel with given security, an HTTP(S) GET, and a plaintext POST that declares an
 * over-limit body. Each is bounded by a deadline. {@link #assertOnlyTheCaGetsThrough} runs the set
 * every TLS test asserts.
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
    return send(scheme, port, path, ssl);
  }

  /**
   * Sends a plaintext POST of {@code path} whose headers declare a body of {@code declaredBytes}
   * but sends none of it, and returns the status code of the answer. A listener that refuses an
   * over-limit body answers from the headers alone; since every byte sent was read, its close
   * cannot reset the connection before the answer arrives (which sending the whole body races).
   */
  public static int httpPostDeclaring(int port, String path, long declaredBytes)
      throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
      socket.setSoTimeout((int) TIMEOUT.toMillis());
      String head =
          "POST "
              + path
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: "
              + declaredBytes
              + "\r\n\r\n";
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String statusLine =
          new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      if (statusLine == null || !statusLine.startsWith("HTTP/1.1 ")) {
        throw new IOException("no HTTP answer, got: " + statusLine);
      }
      return Integer.parseInt(statusLine.substring(9, 12));
    }
  }

  private static int send(String scheme, int port, String path, SSLContext ssl)
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

  /**
   * Asserts that a gRPC listener and an HTTP listener, both with a certificate of {@code ca},
   * answer clients trusting {@code ca} (a health check, a GET of {@code httpPath}) and refuse
   * plaintext clients and clients trusting only {@code otherCa}.
   */
  public static void assertOnlyTheCaGetsThrough(
      int grpcPort, int httpPort, String httpPath, TestCertificates ca, TestCertificates otherCa)
      throws IOException, InterruptedException {
    assertThat(grpcHealth(grpcPort, ca.clientTls())).isEqualTo(Status.Code.OK);
    assertThat(grpcHealth(grpcPort, ClientTls.PLAINTEXT)).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(grpcHealth(grpcPort, otherCa.clientTls())).isEqualTo(Status.Code.UNAVAILABLE);

    assertThat(httpGet("https", httpPort, httpPath, ca.sslContext())).isEqualTo(200);
    assertThatThrownBy(() -> httpGet("http", httpPort, httpPath, null))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> httpGet("https", httpPort, httpPath, otherCa.sslContext()))
        .isInstanceOf(IOException.class);
  }

  /**
   * Asserts that a gRPC listener and an HTTP listener, both with a certificate of {@code ca} and
   * requiring client certificates of {@code ca} (mutual TLS), answer clients presenting {@code
   * ca}'s client certificate (a health check, a GET of {@code httpPath}) and refuse clients that
   * trust {@code ca} but present no certificate or one issued by {@code otherCa}.
   */
  public static void assertOnlyClientsOfTheCaGetThrough(
      int grpcPort, int httpPort, String httpPath, TestCertificates ca, TestCertificates otherCa)
      throws IOException, InterruptedException {
    assertThat(grpcHealth(grpcPort, ca.clientTlsPresenting(ca))).isEqualTo(Status.Code.OK);
    assertThat(grpcHealth(grpcPort, ca.clientTls())).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(grpcHealth(grpcPort, ca.clientTlsPresenting(otherCa)))
        .isEqualTo(Status.Code.UNAVAILABLE);

    assertThat(httpGet("https", httpPort, httpPath, ca.sslContextPresenting(ca))).isEqualTo(200);
    assertThatThrownBy(() -> httpGet("https", httpPort, httpPath, ca.sslContext()))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> httpGet("https", httpPort, httpPath, ca.sslContextPresenting(otherCa)))
        .isInstanceOf(IOException.class);
  }
}
