package io.canopy.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryConfigTest {

  @Test
  void create_bundledDefaults_documentedValues() {
    RegistryConfig c = RegistryConfig.create(TestConfigs.config(Map.of()));

    assertThat(c.grpc().target()).isEqualTo("127.0.0.1:9100");
    assertThat(c.admin().listen().target()).isEqualTo("127.0.0.1:9101");
    assertThat(c.dataDir()).isEqualTo(Path.of(".canopy/registry"));
    assertThat(c.storeBackend()).isEqualTo(RegistryConfig.StoreBackend.SQLITE);
    assertThat(c.uploadMaxBytes()).isEqualTo(1L << 30);
    assertThat(c.validationTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.validationMaxHeapMb()).isEqualTo(512);
    assertThat(c.validationProcesses()).isEqualTo(1);
    assertThat(c.validationIdleTimeout()).isEqualTo(java.time.Duration.ofMinutes(2));
    assertThat(c.databaseFile()).isEqualTo(Path.of(".canopy/registry/registry.db"));
    assertThat(c.postgres()).isEmpty();
    assertThat(c.artifactBackend()).isEqualTo(RegistryConfig.ArtifactBackend.DIRECTORY);
    assertThat(c.adminTokens()).isEmpty();
  }

  @Test
  void create_postgresqlBackends_readConnectionSettings() {
    RegistryConfig c =
        RegistryConfig.create(
            TestConfigs.config(
                Map.of(
                    "registry.store.backend", "postgresql",
                    "registry.artifacts.backend", "postgresql",
                    "registry.store.postgresql.url", "jdbc:postgresql://db:5432/canopy",
                    "registry.store.postgresql.schema", "reg")));

    assertThat(c.storeBackend()).isEqualTo(RegistryConfig.StoreBackend.POSTGRESQL);
    assertThat(c.artifactBackend()).isEqualTo(RegistryConfig.ArtifactBackend.POSTGRESQL);
    assertThat(c.postgres().orElseThrow().url()).isEqualTo("jdbc:postgresql://db:5432/canopy");
    assertThat(c.postgres().orElseThrow().schema()).isEqualTo("reg");
    assertThat(c.postgres().orElseThrow().user()).isEqualTo("postgres");
  }

  @Test
  void create_adminTokens_singleIsAdminAndListNamesPrincipals() {
    RegistryConfig c =
        RegistryConfig.create(
            TestConfigs.config(
                Map.of(
                    "registry.auth.admin-token", "0123456789abcdef",
                    "registry.auth.admin-tokens.0.principal", "ci",
                    "registry.auth.admin-tokens.0.token", "fedcba9876543210")));

    assertThat(c.adminTokens()).extracting(t -> t.principal()).containsExactly("admin", "ci");
  }

  @Test
  void create_adminTokenFromTheEnvironmentSpelling_accepted() {
    // REGISTRY_AUTH_ADMIN_TOKEN reaches the config as registry.auth.admin.token.
    RegistryConfig c = create("registry.auth.admin.token", "0123456789abcdef");

    assertThat(c.adminTokens()).extracting(t -> t.principal()).containsExactly("admin");
  }

  @Test
  void create_overrides_win() {
    RegistryConfig c =
        RegistryConfig.create(
            TestConfigs.config(
                Map.of(
                    "registry.grpc.port", "0",
                    "registry.validation.timeout", "PT2M",
                    "registry.upload.max-bytes", "1000")));

    assertThat(c.grpc().port()).isZero();
    assertThat(c.validationTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.uploadMaxBytes()).isEqualTo(1000);
  }

  @Test
  void create_badValues_failNamingTheKey() {
    assertThatThrownBy(() -> create("registry.validation.processes", "0"))
        .hasMessageContaining("registry.validation.processes");
    assertThatThrownBy(() -> create("registry.admin.max-payload-bytes", "0"))
        .hasMessageStartingWith("registry.admin.max-payload-bytes: 0 must be positive");
    assertThatThrownBy(() -> create("registry.validation.timeout", "soon"))
        .hasMessageContaining("registry.validation.timeout");
    assertThatThrownBy(() -> create("registry.upload.max-bytes", "lots"))
        .hasMessageContaining("registry.upload.max-bytes");
    assertThatThrownBy(() -> create("registry.store.backend", "oracle"))
        .hasMessageContaining("registry.store.backend");
    assertThatThrownBy(() -> create("registry.grpc.port", "70000"))
        .hasMessageContaining("registry.grpc");
    assertThatThrownBy(() -> create("registry.artifacts.backend", "s3"))
        .hasMessageContaining("registry.artifacts.backend");
    assertThatThrownBy(() -> create("registry.artifacts.backend", "postgresql"))
        .hasMessageContaining("registry.artifacts.backend");
    assertThatThrownBy(() -> create("registry.auth.admin-token", "short"))
        .hasMessageContaining("registry.auth.admin-token");
    // Fail closed: a token of spaces or a placeholder stops the registry instead of turning
    // authentication off or accepting a guessable secret.
    assertThatThrownBy(() -> create("registry.auth.admin-token", "                    "))
        .hasMessageContaining("registry.auth.admin-token");
    assertThatThrownBy(
            () -> create("registry.auth.admin-token", "change-me-to-a-long-random-admin-token"))
        .hasMessageContaining("registry.auth.admin-token")
        .hasMessageContaining("placeholder");
    assertThatThrownBy(
            () ->
                RegistryConfig.create(
                    TestConfigs.config(
                        Map.of(
                            "registry.store.backend", "postgresql",
                            "registry.store.postgresql.schema", "Bad-Name"))))
        .hasMessageContaining("registry.store.postgresql.schema");
  }

  @Test
  void duration_shortForms_parsed() {
    assertThat(create("registry.validation.timeout", "500ms").validationTimeout())
        .isEqualTo(Duration.ofMillis(500));
    assertThat(create("registry.validation.timeout", "45s").validationTimeout())
        .isEqualTo(Duration.ofSeconds(45));
    assertThat(create("registry.validation.timeout", "2m").validationTimeout())
        .isEqualTo(Duration.ofMinutes(2));
    assertThat(create("registry.validation.timeout", "1h").validationTimeout())
        .isEqualTo(Duration.ofHours(1));
  }

  private static RegistryConfig create(String key, String value) {
    return RegistryConfig.create(TestConfigs.config(Map.of(key, value)));
  }

  private static Map<String, String> s3(String... pairs) {
    Map<String, String> m = new java.util.HashMap<>();
    m.put("registry.artifacts.backend", "s3");
    m.put("registry.artifacts.s3.bucket", "models.prod-1");
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  @Test
  void create_s3Backend_readsEverySetting() {
    RegistryConfig c =
        RegistryConfig.create(
            TestConfigs.config(
                s3(
                    "registry.artifacts.s3.prefix", "canopy/models/",
                    "registry.artifacts.s3.region", "eu-central-1",
                    "registry.artifacts.s3.endpoint", "http://minio.storage:9000",
                    "registry.artifacts.s3.path-style", "true",
                    "registry.artifacts.s3.access-key-id", "AKIDEXAMPLE",
                    "registry.artifacts.s3.secret-access-key", "very-secret")));

    var s3 = c.s3().orElseThrow();
    assertThat(c.artifactBackend()).isEqualTo(RegistryConfig.ArtifactBackend.S3);
    assertThat(s3.bucket()).isEqualTo("models.prod-1");
    assertThat(s3.prefix()).isEqualTo("canopy/models/");
    assertThat(s3.region()).isEqualTo("eu-central-1");
    assertThat(s3.endpoint()).contains(java.net.URI.create("http://minio.storage:9000"));
    assertThat(s3.pathStyle()).isTrue();
    assertThat(s3.staticCredentials()).isTrue();
    assertThat(s3.toString()).doesNotContain("very-secret");
  }

  @Test
  void create_s3BackendDefaults_awsEndpointAndTheDefaultCredentialsChain() {
    var s3 = RegistryConfig.create(TestConfigs.config(s3())).s3().orElseThrow();

    assertThat(s3.endpoint()).isEmpty();
    assertThat(s3.region()).isEqualTo("us-east-1");
    assertThat(s3.prefix()).isEmpty();
    assertThat(s3.pathStyle()).isFalse();
    assertThat(s3.staticCredentials()).isFalse();
  }

  @Test
  void create_s3BadValues_failNamingTheKey() {
    Map<String, String[]> cases = new java.util.LinkedHashMap<>();
    cases.put("registry.artifacts.s3.bucket:", new String[] {"registry.artifacts.s3.bucket", ""});
    cases.put(
        "registry.artifacts.s3.bucket: 'Bad_Bucket'",
        new String[] {"registry.artifacts.s3.bucket", "Bad_Bucket"});
    cases.put(
        "registry.artifacts.s3.bucket: '192.168.1.10'",
        new String[] {"registry.artifacts.s3.bucket", "192.168.1.10"});
    cases.put(
        "registry.artifacts.s3.bucket: 'a..b'",
        new String[] {"registry.artifacts.s3.bucket", "a..b"});
    cases.put(
        "registry.artifacts.s3.endpoint: 'minio:9000'",
        new String[] {"registry.artifacts.s3.endpoint", "minio:9000"});
    cases.put(
        "registry.artifacts.s3.endpoint: 'ftp://minio:21'",
        new String[] {"registry.artifacts.s3.endpoint", "ftp://minio:21"});
    cases.put("registry.artifacts.s3.region:", new String[] {"registry.artifacts.s3.region", " "});
    cases.put(
        "registry.artifacts.s3.prefix: '/models'",
        new String[] {"registry.artifacts.s3.prefix", "/models"});
    cases.put(
        "registry.artifacts.s3.path-style: 'yes'",
        new String[] {"registry.artifacts.s3.path-style", "yes"});
    cases.put(
        "registry.artifacts.s3.secret-access-key:",
        new String[] {"registry.artifacts.s3.access-key-id", "AKIDEXAMPLE"});
    cases.put(
        "registry.artifacts.backend: 'gcs'", new String[] {"registry.artifacts.backend", "gcs"});

    cases.forEach(
        (message, pair) ->
            assertThatThrownBy(() -> RegistryConfig.create(TestConfigs.config(s3(pair))))
                .as(pair[0] + "=" + pair[1])
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message));
  }
}
