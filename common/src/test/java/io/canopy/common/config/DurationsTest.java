package io.canopy.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void parse_unitForms_allUnits() {
    assertThat(Durations.parse("250ns", "k")).isEqualTo(Duration.ofNanos(250));
    assertThat(Durations.parse("40us", "k")).isEqualTo(Duration.ofNanos(40_000));
    assertThat(Durations.parse("500ms", "k")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("45s", "k")).isEqualTo(Duration.ofSeconds(45));
    assertThat(Durations.parse("2m", "k")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("1h", "k")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("7d", "k")).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void parse_decimalsCaseAndSpaces_accepted() {
    assertThat(Durations.parse("1.5s", "k")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse(" 10 MS ", "k")).isEqualTo(Duration.ofMillis(10));
    assertThat(Durations.parse("0", "k")).isEqualTo(Duration.ZERO);
    assertThat(Durations.parse("0ms", "k")).isEqualTo(Duration.ZERO);
  }

  @Test
  void parse_iso8601_accepted() {
    assertThat(Durations.parse("PT10S", "k")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Durations.parse("P1D", "k")).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void parse_garbageNegativeOrHuge_refusedNamingTheKey() {
    for (String bad :
        new String[] {"", "10", "ten seconds", "-5s", "PT-1S", "5 weeks", "999999999999999d"}) {
      assertThatThrownBy(() -> Durations.parse(bad, "gateway.upstream.timeout"))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("gateway.upstream.timeout")
          .hasMessageContaining("not a duration");
    }
  }

  @Test
  void configDuration_legacyMillisKey_winsWhenSet() {
    Config withLegacy =
        config(Map.of("svc.reconnect-initial", "5s", "svc.reconnect-initial-ms", "200"));
    Config withoutLegacy = config(Map.of("svc.reconnect-initial", "5s"));

    assertThat(
            ConfigLoader.duration(
                withLegacy.get("svc"), "reconnect-initial", "reconnect-initial-ms"))
        .isEqualTo(Duration.ofMillis(200));
    assertThat(
            ConfigLoader.duration(
                withoutLegacy.get("svc"), "reconnect-initial", "reconnect-initial-ms"))
        .isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void configDuration_missingOrBad_namesFullKey() {
    Config c = config(Map.of("svc.timeout", "soon"));
    assertThatThrownBy(() -> ConfigLoader.duration(c.get("svc"), "timeout"))
        .hasMessageContaining("svc.timeout");
    assertThatThrownBy(() -> ConfigLoader.duration(c.get("svc"), "other"))
        .hasMessageContaining("svc.other");
    Config negative = config(Map.of("svc.t-ms", "-1"));
    assertThatThrownBy(() -> ConfigLoader.duration(negative.get("svc"), "t", "t-ms"))
        .hasMessageContaining("svc.t-ms");
  }

  private static Config config(Map<String, String> values) {
    return Config.builder()
        .disableEnvironmentVariablesSource()
        .disableSystemPropertiesSource()
        .addSource(ConfigSources.create(values))
        .build();
  }
}
