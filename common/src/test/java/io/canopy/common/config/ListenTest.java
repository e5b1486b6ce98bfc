package io.canopy.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.testing.TestConfig;
import io.helidon.config.Config;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListenTest {

  @Test
  void create_readsHostAndPort() {
    Listen listen =
        Listen.create(
            TestConfig.from(Map.of("svc.grpc.host", "0.0.0.0", "svc.grpc.port", "9300"))
                .get("svc.grpc"));
    assertThat(listen).isEqualTo(new Listen("0.0.0.0", 9300));
    assertThat(listen.target()).isEqualTo("0.0.0.0:9300");
  }

  @Test
  void create_missingPort_failsNamingTheKey() {
    assertThatThrownBy(
            () -> Listen.create(TestConfig.from(Map.of("svc.grpc.host", "h")).get("svc.grpc")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("svc.grpc.port");
  }

  @Test
  void create_nonNumericPort_failsNamingTheKey() {
    assertThatThrownBy(
            () ->
                Listen.create(
                    TestConfig.from(Map.of("svc.grpc.host", "h", "svc.grpc.port", "http"))
                        .get("svc.grpc")))
        .hasMessageContaining("svc.grpc.port");
  }

  @Test
  void constructor_rejectsPortsOutOfRange() {
    assertThatThrownBy(() -> new Listen("h", 70_000)).hasMessageContaining("70000");
    assertThatThrownBy(() -> new Listen(" ", 1)).hasMessageContaining("host");
  }

  @Test
  void loader_overridesWinOverBundledDefaults() {
    Config c = ConfigLoader.load("test-defaults.yaml", Map.of("svc.grpc.port", "0"));
    assertThat(Listen.create(c.get("svc.grpc"))).isEqualTo(new Listen("127.0.0.1", 0));
  }
}
