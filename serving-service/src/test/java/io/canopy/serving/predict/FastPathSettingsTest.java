package io.canopy.serving.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.testing.TestConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FastPathSettingsTest {

  private static FastPathSettings load(Map<String, String> overrides) {
    return FastPathSettings.create(
        TestConfig.from(overrides, "serving.yaml").get("serving.predict.fast-path"));
  }

  @Test
  void create_bundledDefaults_areTheDocumentedOnes() {
    assertThat(load(Map.of())).isEqualTo(FastPathSettings.DEFAULT);
    assertThat(FastPathSettings.DEFAULT.enabled()).isTrue();
  }

  @Test
  void create_overrides_areRead() {
    FastPathSettings settings =
        load(
            Map.of(
                "serving.predict.fast-path.enabled", "false",
                "serving.predict.fast-path.max-rows", "3"));

    assertThat(settings).isEqualTo(new FastPathSettings(false, 3));
  }

  @Test
  void create_badValues_nameTheKey() {
    assertThatThrownBy(() -> load(Map.of("serving.predict.fast-path.enabled", "yes")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("serving.predict.fast-path.enabled");
    assertThatThrownBy(() -> load(Map.of("serving.predict.fast-path.max-rows", "-1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("serving.predict.fast-path.max-rows");
  }
}
