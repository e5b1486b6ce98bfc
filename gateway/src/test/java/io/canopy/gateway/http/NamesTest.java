package io.canopy.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.error.CanopyException;
import org.junit.jupiter.api.Test;

class NamesTest {

  @Test
  void model_registryNames_areAccepted() {
    assertThat(Names.model("fraud-v2.xgb_1")).isEqualTo("fraud-v2.xgb_1");
  }

  @Test
  void model_otherNames_areInvalid() {
    for (String bad : new String[] {"", ".hidden", "a:b", "a/b", "x".repeat(129)}) {
      assertThatThrownBy(() -> Names.model(bad))
          .isInstanceOfSatisfying(
              CanopyException.InvalidArgument.class, e -> assertThat(e.field()).isEqualTo("model"));
    }
  }

  @Test
  void version_mustBePositive() {
    assertThat(Names.version("12")).isEqualTo(12);
    for (String bad : new String[] {"0", "-1", "v1", "99999999999999999999"}) {
      assertThatThrownBy(() -> Names.version(bad))
          .isInstanceOf(CanopyException.InvalidArgument.class);
    }
  }
}
