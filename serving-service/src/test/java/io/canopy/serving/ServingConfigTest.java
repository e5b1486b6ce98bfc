package io.canopy.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.testing.TestConfig;
import io.canopy.serving.features.FeatureSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServingConfigTest {

  private static ServingConfig load(Map<String, String> overrides) {
    return ServingConfig.create(TestConfig.from(overrides, "serving.yaml"));
  }

  @Test
  void create_bundledDefaults_matchTheDocumentedValues() {
    ServingConfig config = load(Map.of());

    assertThat(config.grpc().target()).isEqualTo("127.0.0.1:9200");
    assertThat(config.admin().listen().target()).isEqualTo("127.0.0.1:9201");
    assertThat(config.registryTarget()).isEqualTo("127.0.0.1:9100");
    assertThat(config.managerSettings().cacheDir()).isEqualTo(Path.of(".canopy/serving-cache"));
    assertThat(config.managerSettings().nthread()).isEqualTo(1);
    assertThat(config.managerSettings().maxInFlightPerModel()).isEqualTo(64);
    assertThat(config.inlineMaxRows()).isEqualTo(1);
    assertThat(config.managerSettings().reconnectInitial()).isEqualTo(Duration.ofMillis(200));
    assertThat(config.managerSettings().reconnectMax()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.features().backend()).isEqualTo(FeatureSettings.Backend.ROCKSDB);
    assertThat(config.features().rocksdbPath()).isEqualTo(Path.of(".canopy/features"));
    assertThat(config.features().redisUri()).isEqualTo("redis://127.0.0.1:6379");
    assertThat(config.features().redisKeyPrefix()).isEqualTo("canopy:features:");
    assertThat(config.inProcessName()).isEmpty();
  }

  @Test
  void create_overrides_winOverDefaults() {
    ServingConfig config =
        load(
            Map.of(
                "serving.grpc.port",
                "0",
                "serving.predict.nthread",
                "4",
                "serving.registry.target",
                "registry:9100"));

    assertThat(config.grpc().port()).isZero();
    assertThat(config.managerSettings().nthread()).isEqualTo(4);
    assertThat(config.registryTarget()).isEqualTo("registry:9100");
  }

  @Test
  void create_invalidValues_failNamingTheKey() {
    assertThatThrownBy(() -> load(Map.of("serving.predict.nthread", "0")))
        .hasMessageContaining("serving.predict.nthread");
    assertThatThrownBy(() -> load(Map.of("serving.predict.inline-max-rows", "-1")))
        .hasMessageContaining("serving.predict.inline-max-rows");
    assertThatThrownBy(() -> load(Map.of("serving.predict.max-rows", "0")))
        .hasMessageContaining("serving.predict.max-rows");
    assertThatThrownBy(() -> load(Map.of("serving.admin.max-payload-bytes", "0")))
        .hasMessageStartingWith("serving.admin.max-payload-bytes: 0 must be positive");
    assertThatThrownBy(() -> load(Map.of("serving.features.backend", "memcached")))
        .hasMessageContaining("serving.features.backend");
    assertThatThrownBy(() -> load(Map.of("serving.features.redis.uri", "http://x")))
        .hasMessageContaining("serving.features.redis.uri");
    assertThatThrownBy(() -> load(Map.of("serving.predict.max-in-flight-per-model", "lots")))
        .hasMessageContaining("serving.predict.max-in-flight-per-model");
    assertThatThrownBy(() -> load(Map.of("serving.grpc.port", "70000")))
        .hasMessageContaining("serving.grpc.port");
    assertThatThrownBy(() -> load(Map.of("serving.registry.reconnect-max-ms", "1")))
        .hasMessageContaining("serving.registry.reconnect-max-ms");
    assertThatThrownBy(() -> load(Map.of("serving.registry.reconnect-max", "1ms")))
        .hasMessageContaining("serving.registry.reconnect-max");
    assertThatThrownBy(() -> load(Map.of("serving.retire-grace", "soon")))
        .hasMessageContaining("serving.retire-grace");
    assertThatThrownBy(() -> load(Map.of("serving.grpc.in-process-name", " canopy ")))
        .hasMessageContaining("serving.grpc.in-process-name");
  }

  @Test
  void create_durationKeysAndTheirOlderMillisecondAliases_agree() {
    ServingConfig durations =
        load(Map.of("serving.retire-grace", "3s", "serving.features.view-cache", "250ms"));
    ServingConfig millis =
        load(Map.of("serving.retire-grace-ms", "3000", "serving.features.view-cache-ms", "250"));

    assertThat(durations.managerSettings().retireGrace())
        .isEqualTo(java.time.Duration.ofSeconds(3));
    assertThat(millis.managerSettings().retireGrace()).isEqualTo(java.time.Duration.ofSeconds(3));
    assertThat(durations.features().viewCacheTtl()).isEqualTo(java.time.Duration.ofMillis(250));
    assertThat(millis.features().viewCacheTtl()).isEqualTo(java.time.Duration.ofMillis(250));
  }
}
