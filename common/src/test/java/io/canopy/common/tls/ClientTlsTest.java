package io.canopy.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.admin.AdminServer;
import io.canopy.common.admin.AdminSettings;
import io.canopy.common.config.Listen;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.TestCertificates;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@link ClientTls#sslContext()}: the JDK HTTP client's side of TLS and mutual TLS. */
class ClientTlsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path dir;

  private TestCertificates certs;
  private TestCertificates otherCa;

  @BeforeEach
  void certificates() {
    certs = TestCertificates.create(dir.resolve("ours"));
    otherCa = TestCertificates.create(dir.resolve("theirs"));
  }

  private int admin(ServerTls tls) {
    return cleanup
        .register(
            new AdminServer(
                    new AdminSettings(new Listen("127.0.0.1", 0), 1024, tls), "test", () -> true)
                .start())
        .port();
  }

  private static int get(int port, SSLContext ssl) throws IOException, InterruptedException {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT).sslContext(ssl);
    try (HttpClient client = builder.build()) {
      return client
          .send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/observe/health"))
                  .timeout(TIMEOUT)
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    }
  }

  @Test
  void sslContext_trustsTheCa_andOnlyIt() throws Exception {
    int port = admin(certs.serverTls());

    assertThat(get(port, certs.clientTls().sslContext())).isEqualTo(200);
    assertThatThrownBy(() -> get(port, otherCa.clientTls().sslContext()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void sslContext_presentsTheClientCertificate_toAMutualTlsListener() throws Exception {
    int port = admin(certs.serverTlsRequiringClientsOf(certs));

    assertThat(get(port, certs.clientTlsPresenting(certs).sslContext())).isEqualTo(200);
    assertThatThrownBy(() -> get(port, certs.clientTls().sslContext()))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> get(port, certs.clientTlsPresenting(otherCa).sslContext()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void sslContext_plaintext_isRefused() {
    assertThatThrownBy(ClientTls.PLAINTEXT::sslContext).isInstanceOf(IllegalStateException.class);
  }
}
