package io.canopy.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizesTest {

  @Test
  void parse_bytesAndBinaryUnits() {
    assertThat(ByteSizes.parse("1048576", "k")).isEqualTo(1 << 20);
    assertThat(ByteSizes.parse("512KiB", "k")).isEqualTo(512 << 10);
    assertThat(ByteSizes.parse("64 MiB", "k")).isEqualTo(64L << 20);
    assertThat(ByteSizes.parse("4gib", "k")).isEqualTo(4L << 30);
    assertThat(ByteSizes.parse("1.5GiB", "k")).isEqualTo(3L << 29);
    assertThat(ByteSizes.parse("2TiB", "k")).isEqualTo(2L << 40);
  }

  @Test
  void parse_anythingElse_namesTheKey() {
    for (String bad : new String[] {"4GB", "-1", "1.5", "lots", "", "99999999999TiB"}) {
      assertThatThrownBy(() -> ByteSizes.parse(bad, "serving.models.memory-budget"))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("serving.models.memory-budget: ");
    }
  }

  @Test
  void format_forPeople() {
    assertThat(ByteSizes.format(100)).isEqualTo("100 B");
    assertThat(ByteSizes.format(3L << 29)).isEqualTo("1.5 GiB");
    assertThat(ByteSizes.format(640L << 20)).isEqualTo("640.0 MiB");
  }
}
