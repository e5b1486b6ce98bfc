package io.canopy.common.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.testing.TestConfig;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingSettingsTest {

  private static TracingSettings read(Map<String, String> settings) {
    return TracingSettings.create(TestConfig.from(settings).get("svc.tracing"), "canopy-svc");
  }

  @Test
  void create_withNothingSet_isOffWithTheDefaults() {
    TracingSettings s = read(Map.of());
    assertThat(s.enabled()).isFalse();
    assertThat(s.otlpEndpoint()).isEqualTo(URI.create("http://127.0.0.1:4318/v1/traces"));
    assertThat(s.samplingRatio()).isEqualTo(1.0);
    assertThat(s.serviceName()).isEqualTo("canopy-svc");
  }

  @Test
  void create_readsEveryKey_andKeepsAnEndpointsPath() {
    TracingSettings s =
        read(
            Map.of(
                "svc.tracing.enabled", "true",
                "svc.tracing.otlp-endpoint", "https://collector:4318/custom/traces",
                "svc.tracing.sampling-ratio", "0.01",
                "svc.tracing.service-name", "edge"));
    assertThat(s)
        .isEqualTo(
            new TracingSettings(
                true, URI.create("https://collector:4318/custom/traces"), 0.01, "edge"));
  }

  @Test
  void create_badValues_failNamingTheKey() {
    assertThatThrownBy(() -> read(Map.of("svc.tracing.sampling-ratio", "1.5")))
        .hasMessageContaining("svc.tracing.sampling-ratio")
        .hasMessageContaining("1.5");
    assertThatThrownBy(() -> read(Map.of("svc.tracing.sampling-ratio", "most")))
        .hasMessageContaining("svc.tracing.sampling-ratio");
    assertThatThrownBy(() -> read(Map.of("svc.tracing.otlp-endpoint", "127.0.0.1:4317")))
        .hasMessageContaining("svc.tracing.otlp-endpoint");
    assertThatThrownBy(() -> read(Map.of("svc.tracing.otlp-endpoint", "grpc://collector:4317")))
        .hasMessageContaining("svc.tracing.otlp-endpoint");
    assertThatThrownBy(() -> read(Map.of("svc.tracing.enabled", "yes please")))
        .hasMessageContaining("svc.tracing.enabled");
    assertThatThrownBy(() -> read(Map.of("svc.tracing.service-name", " ")))
        .hasMessageContaining("svc.tracing.service-name");
  }
}
