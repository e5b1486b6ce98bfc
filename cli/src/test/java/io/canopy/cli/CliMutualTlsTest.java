package io.canopy.cli;

import static io.canopy.cli.CliRun.canopy;
import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.config.ConfigLoader;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.common.testing.TestCertificates;
import io.canopy.registry.RegistryConfig;
import io.canopy.registry.RegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --tls-cert} and {@code --tls-key} against a registry (in this JVM) whose listeners require
 * client certificates of one CA: the cli registers and lists with its certificate, and is refused
 * without one or with another CA's.
 */
@ProcessSuite
class CliMutualTlsTest {

  private static final String MODEL = "mtls-model";

  @TempDir Path dir;
  private TestCertificates certs;
  private TestCertificates other;
  private RegistryServer registry;

  @BeforeEach
  void startRegistry() {
    certs = TestCertificates.create(dir.resolve("ca"));
    other = TestCertificates.create(dir.resolve("other"));
    Map<String, String> settings = new HashMap<>();
    settings.put("registry.grpc.port", "0");
    settings.put("registry.admin.port", "0");
    settings.put("registry.data-dir", dir.resolve("registry").toString());
    settings.put("registry.tls.cert-chain", certs.certChain().toString());
    settings.put("registry.tls.private-key", certs.privateKey().toString());
    settings.put("registry.tls.client-ca", certs.caCert().toString());
    registry =
        io.canopy.registry.RegistryServer.start(
            RegistryConfig.create(ConfigLoader.load("registry.yaml", settings)));
  }

  @AfterEach
  void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void clientCertificate_reachesAMutualTlsRegistry_othersAreRefused() throws Exception {
    Path model = dir.resolve("model.ubj");
    Files.write(model, Fixtures.bytes("breast_cancer_binary.ubj"));
    String target = "127.0.0.1:" + registry.grpcPort();
    String ca = certs.caCert().toString();
    String[] list = {"models", "list", "--registry", target, "--tls-ca", ca};

    CliRun noCertificate = canopy(list);
    assertThat(noCertificate.exit()).isEqualTo(1);
    assertThat(noCertificate.err()).contains("UNAVAILABLE").contains("--tls-cert");
    CliRun otherCa =
        canopy(
            concat(
                list,
                "--tls-cert",
                other.clientCertChain().toString(),
                "--tls-key",
                other.clientPrivateKey().toString()));
    assertThat(otherCa.exit()).isEqualTo(1);

    String[] withCertificate =
        concat(
            list,
            "--tls-cert",
            certs.clientCertChain().toString(),
            "--tls-key",
            certs.clientPrivateKey().toString());
    CliRun registered =
        canopy(
            "register",
            MODEL,
            model.toString(),
            "--registry",
            target,
            "--tls-ca",
            ca,
            "--tls-cert",
            certs.clientCertChain().toString(),
            "--tls-key",
            certs.clientPrivateKey().toString());
    assertThat(registered.exit()).as(registered.err()).isZero();
    CliRun listed = canopy(withCertificate);
    assertThat(listed.exit()).as(listed.err()).isZero();
    assertThat(listed.out()).contains(MODEL);
  }

  @Test
  void incompleteOrUnreadableClientCertificate_isAUsageError() {
    String target = "127.0.0.1:" + registry.grpcPort();
    String ca = certs.caCert().toString();
    String[] list = {"models", "list", "--registry", target, "--tls-ca", ca};

    CliRun certOnly = canopy(concat(list, "--tls-cert", certs.clientCertChain().toString()));
    assertThat(certOnly.exit()).isEqualTo(2);
    assertThat(certOnly.err()).contains("--tls-cert and --tls-key");
    CliRun wrongKey =
        canopy(
            concat(
                list,
                "--tls-cert",
                certs.clientCertChain().toString(),
                "--tls-key",
                other.clientPrivateKey().toString()));
    assertThat(wrongKey.exit()).isEqualTo(2);
    assertThat(wrongKey.err()).contains("--tls-key");
    CliRun withoutCa =
        canopy(
            "models",
            "list",
            "--registry",
            target,
            "--tls-cert",
            certs.clientCertChain().toString(),
            "--tls-key",
            certs.clientPrivateKey().toString());
    assertThat(withoutCa.exit()).isEqualTo(2);
    assertThat(withoutCa.err()).contains("--tls-cert needs --tls-ca");
  }

  private static String[] concat(String[] args, String... more) {
    String[] all = new String[args.length + more.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }
}
