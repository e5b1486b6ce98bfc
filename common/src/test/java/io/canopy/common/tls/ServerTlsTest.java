package io.canopy.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.testing.TestCertificates;
import io.canopy.common.testing.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad TLS settings fail when the configuration is read, naming the setting. */
class ServerTlsTest {

  @TempDir Path dir;

  private static ServerTls server(String chain, String key) {
    Map<String, String> values = new HashMap<>();
    values.put("svc.tls.cert-chain", chain);
    values.put("svc.tls.private-key", key);
    return ServerTls.create(TestConfig.from(values).get("svc.tls"));
  }

  @Test
  void create_bothEmpty_isPlaintext() {
    assertThat(server("", "").enabled()).isFalse();
    assertThat(ServerTls.create(TestConfig.from(Map.of()).get("svc.tls")).enabled()).isFalse();
  }

  @Test
  void create_generatedCertificate_isEnabled() {
    TestCertificates certs = TestCertificates.create(dir);
    ServerTls tls = server(certs.certChain().toString(), certs.privateKey().toString());
    assertThat(tls.enabled()).isTrue();
    assertThat(tls.grpcContext().isServer()).isTrue();
  }

  @Test
  void create_onlyOneFile_namesBothKeys() {
    TestCertificates certs = TestCertificates.create(dir);
    assertThatThrownBy(() -> server(certs.certChain().toString(), ""))
        .hasMessageContaining("svc.tls.cert-chain and svc.tls.private-key: set both or neither");
  }

  @Test
  void create_missingFile_namesKey() {
    TestCertificates certs = TestCertificates.create(dir);
    assertThatThrownBy(
            () -> server(dir.resolve("nope.pem").toString(), certs.privateKey().toString()))
        .hasMessageStartingWith("svc.tls.cert-chain: cannot read");
  }

  @Test
  void create_keyIsNotPkcs8_namesKey() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    Path pkcs1 =
        Files.writeString(
            dir.resolve("rsa.pem"),
            "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    assertThatThrownBy(() -> server(certs.certChain().toString(), pkcs1.toString()))
        .hasMessageStartingWith("svc.tls.private-key:")
        .hasMessageContaining("PKCS#8");
  }

  @Test
  void create_chainIsNotACertificate_namesKey() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate");
    assertThatThrownBy(() -> server(junk.toString(), certs.privateKey().toString()))
        .hasMessageStartingWith("svc.tls.cert-chain:");
  }

  @Test
  void create_keyOfAnotherCertificate_isRefused() {
    TestCertificates one = TestCertificates.create(dir.resolve("one"));
    TestCertificates two = TestCertificates.create(dir.resolve("two"));
    assertThatThrownBy(() -> server(one.certChain().toString(), two.privateKey().toString()))
        .hasMessageStartingWith("svc.tls.private-key: the private key does not belong");
  }

  @Test
  void clientCreate_authorityWithoutCa_namesKey() {
    assertThatThrownBy(
            () -> ClientTls.create(TestConfig.from(Map.of("c.tls.authority", "x")).get("c.tls")))
        .hasMessageStartingWith("c.tls.authority: needs c.tls.trust-ca");
  }

  @Test
  void clientCreate_unreadableCa_namesKey() {
    assertThatThrownBy(
            () ->
                ClientTls.create(
                    TestConfig.from(Map.of("c.tls.trust-ca", dir.resolve("none.pem").toString()))
                        .get("c.tls")))
        .hasMessageStartingWith("c.tls.trust-ca: cannot read");
  }

  @Test
  void toString_namesNoKeyMaterial() {
    TestCertificates certs = TestCertificates.create(dir);
    assertThat(certs.serverTls().toString()).doesNotContain("server-key");
  }
}
