package io.canopy.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

  @Test
  void create_bundledDefaults_matchTheDocumentedPorts() {
    GatewayConfig config = GatewayConfig.create(RunningGateway.config(Map.of()));

    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.grpc().port()).isEqualTo(9090);
    assertThat(config.servingTarget()).isEqualTo("127.0.0.1:9200");
    assertThat(config.registryTarget()).isEqualTo("127.0.0.1:9100");
    assertThat(config.upstreamTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.maxBodyBytes()).isEqualTo(16 * 1024 * 1024);
    assertThat(config.maxRows()).isEqualTo(10_000);
  }

  @Test
  void create_overrides_winOverDefaults() {
    GatewayConfig config =
        GatewayConfig.create(
            RunningGateway.config(
                Map.of(
                    "gateway.grpc.port", "0",
                    "gateway.upstream.timeout", "250ms",
                    "gateway.upstream.serving-target", "dns:///serving:9200")));

    assertThat(config.grpc().port()).isZero();
    assertThat(config.upstreamTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.servingTarget()).isEqualTo("dns:///serving:9200");
  }

  @Test
  void create_isoDuration_isAccepted() {
    GatewayConfig config =
        GatewayConfig.create(RunningGateway.config(Map.of("gateway.upstream.timeout", "PT3S")));

    assertThat(config.upstreamTimeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void create_badDuration_failsNamingTheKey() {
    assertThatThrownBy(
            () ->
                GatewayConfig.create(
                    RunningGateway.config(Map.of("gateway.upstream.timeout", "soon"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gateway.upstream.timeout");
  }

  @Test
  void create_aliasFallbackWindow_defaultsToServingsRetireGrace_andABadOneFailsNamingTheKey() {
    assertThat(GatewayConfig.create(RunningGateway.config(Map.of())).aliasFallbackWindow())
        .isEqualTo(Duration.ofSeconds(10));
    for (String bad : new String[] {"PT-1S", "later"}) {
      assertThatThrownBy(
              () ->
                  GatewayConfig.create(
                      RunningGateway.config(Map.of("gateway.routing.alias-fallback-window", bad))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("gateway.routing.alias-fallback-window");
    }
  }

  @Test
  void create_maxUploadBytes_defaultsTo256MiB_takesUnits_andABadOneFailsNamingTheKey() {
    assertThat(GatewayConfig.create(RunningGateway.config(Map.of())).maxUploadBytes())
        .isEqualTo(256L << 20);
    assertThat(
            GatewayConfig.create(
                    RunningGateway.config(Map.of("gateway.http.max-upload-bytes", "1GiB")))
                .maxUploadBytes())
        .isEqualTo(1L << 30);
    for (String bad : new String[] {"0", "lots", "1GB"}) {
      assertThatThrownBy(
              () ->
                  GatewayConfig.create(
                      RunningGateway.config(Map.of("gateway.http.max-upload-bytes", bad))))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("gateway.http.max-upload-bytes");
    }
  }

  @Test
  void create_zeroMaxRows_failsNamingTheKey() {
    assertThatThrownBy(
            () -> GatewayConfig.create(RunningGateway.config(Map.of("gateway.max-rows", "0"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gateway.max-rows");
  }

  @Test
  void create_negativeBodyLimit_failsNamingTheKey() {
    assertThatThrownBy(
            () ->
                GatewayConfig.create(
                    RunningGateway.config(Map.of("gateway.http.max-body-bytes", "-1"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gateway.http.max-body-bytes");
  }

  @Test
  void create_batchingRetryAndAuthDefaults_andUnbatchedModelsList() {
    GatewayConfig config =
        GatewayConfig.create(
            RunningGateway.config(Map.of("gateway.batching.unbatched-models", "a, b")));
    assertThat(config.batching().maxBatchRows()).isEqualTo(512);
    assertThat(config.batching().maxDelay()).isZero();
    assertThat(config.batching().unbatchedModels()).containsExactlyInAnyOrder("a", "b");
    assertThat(config.retry().budgetRatio()).isEqualTo(0.2);
    assertThat(config.retry().hedgingDelay()).isZero();
    assertThat(
            GatewayConfig.create(
                    RunningGateway.config(Map.of("gateway.upstream.hedging.delay", "25ms")))
                .retry()
                .hedgingDelay())
        .isEqualTo(java.time.Duration.ofMillis(25));
    assertThat(config.clientTokens().isEmpty()).isTrue();
    assertThat(config.tls().enabled()).isFalse();
  }

  @Test
  void create_badNewSettings_failNamingTheKey() {
    assertThatThrownBy(
            () ->
                GatewayConfig.create(
                    RunningGateway.config(Map.of("gateway.batching.max-in-flight", "0"))))
        .hasMessageContaining("gateway.batching.max-in-flight");
    assertThatThrownBy(
            () ->
                GatewayConfig.create(
                    RunningGateway.config(Map.of("gateway.auth.client-token", "short"))))
        .hasMessageContaining("gateway.auth.client-token");
    assertThatThrownBy(
            () ->
                GatewayConfig.create(
                    RunningGateway.config(Map.of("gateway.tls.cert-chain", "/nope.pem"))))
        .hasMessageContaining("gateway.tls");
    for (String token :
        List.of("   ", "                    ", "change-me-to-a-long-random-client-token")) {
      assertThatThrownBy(
              () ->
                  GatewayConfig.create(
                      RunningGateway.config(Map.of("gateway.auth.client-token", token))))
          .as("'" + token + "'")
          .hasMessageContaining("gateway.auth.client-token");
    }
  }
}
