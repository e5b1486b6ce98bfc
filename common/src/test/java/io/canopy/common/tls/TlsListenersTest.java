package io.canopy.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.admin.AdminServer;
import io.canopy.common.admin.AdminSettings;
import io.canopy.common.config.Listen;
import io.canopy.common.grpc.GrpcLimits;
import io.canopy.common.grpc.GrpcServer;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.ListenerProbes;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.common.testing.TestCertificates;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared listeners with a generated CA: a client trusting it gets through, a plaintext client
 * and a client trusting another CA do not.
 */
@ProcessSuite
class TlsListenersTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path dir;

  private TestCertificates certs;
  private TestCertificates otherCa;

  @BeforeEach
  void certificates() {
    certs = TestCertificates.create(dir.resolve("ours"));
    otherCa = TestCertificates.create(dir.resolve("theirs"));
  }

  private GrpcServer grpc() {
    return cleanup.register(
        new GrpcServer(
                GrpcTransports.server(
                    new Listen("127.0.0.1", 0), GrpcLimits.DEFAULTS, certs.serverTls()),
                List.of(),
                List.of())
            .start());
  }

  private AdminServer admin() {
    return cleanup.register(
        new AdminServer(
                new AdminSettings(new Listen("127.0.0.1", 0), 1024, certs.serverTls()),
                "test",
                () -> true)
            .start());
  }

  @Test
  void grpc_clientTrustingTheCa_getsThrough() {
    assertThat(ListenerProbes.grpcHealth(grpc().port(), certs.clientTls()))
        .isEqualTo(Status.Code.OK);
  }

  @Test
  void grpc_plaintextClient_fails() {
    assertThat(ListenerProbes.grpcHealth(grpc().port(), ClientTls.PLAINTEXT))
        .isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void grpc_clientTrustingAnotherCa_failsTheHandshake() {
    assertThat(ListenerProbes.grpcHealth(grpc().port(), otherCa.clientTls()))
        .isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void admin_clientTrustingTheCa_getsHealth() throws Exception {
    assertThat(
            ListenerProbes.httpGet("https", admin().port(), "/observe/health", certs.sslContext()))
        .isEqualTo(200);
  }

  @Test
  void admin_plaintextClient_fails() {
    int port = admin().port();
    assertThatThrownBy(() -> ListenerProbes.httpGet("http", port, "/observe/health", null))
        .isInstanceOf(IOException.class);
  }

  @Test
  void admin_clientTrustingAnotherCa_failsTheHandshake() {
    int port = admin().port();
    assertThatThrownBy(
            () -> ListenerProbes.httpGet("https", port, "/observe/health", otherCa.sslContext()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void plaintextServers_stayPlaintext() throws Exception {
    GrpcServer grpc =
        cleanup.register(
            new GrpcServer(
                    GrpcTransports.server(
                        new Listen("127.0.0.1", 0), GrpcLimits.DEFAULTS, ServerTls.PLAINTEXT),
                    List.of(),
                    List.of())
                .start());
    AdminServer admin =
        cleanup.register(
            new AdminServer(
                    new AdminSettings(new Listen("127.0.0.1", 0), 1024, ServerTls.PLAINTEXT),
                    "test",
                    () -> true)
                .start());
    assertThat(ListenerProbes.grpcHealth(grpc.port(), ClientTls.PLAINTEXT))
        .isEqualTo(Status.Code.OK);
    assertThat(ListenerProbes.httpGet("http", admin.port(), "/observe/health", null))
        .isEqualTo(200);
  }
}
