package io.canopy.common.names;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.error.CanopyException;
import org.junit.jupiter.api.Test;

class ResourceNamesTest {

  @Test
  void isValid_followsTheOneRule() {
    assertThat(ResourceNames.isValid("churn")).isTrue();
    assertThat(ResourceNames.isValid("Churn-v2.eu_west")).isTrue();
    assertThat(ResourceNames.isValid("9lives")).isTrue();
    assertThat(ResourceNames.isValid("a".repeat(128))).isTrue();

    assertThat(ResourceNames.isValid(null)).isFalse();
    assertThat(ResourceNames.isValid("")).isFalse();
    assertThat(ResourceNames.isValid(".hidden")).isFalse();
    assertThat(ResourceNames.isValid("-flag")).isFalse();
    assertThat(ResourceNames.isValid("_private")).isFalse();
    assertThat(ResourceNames.isValid("a/b")).isFalse();
    assertThat(ResourceNames.isValid("no spaces")).isFalse();
    assertThat(ResourceNames.isValid("a".repeat(129))).isFalse();
    assertThat(ResourceNames.isValid("café")).isFalse();
  }

  @Test
  void check_invalid_namesTheField() {
    assertThatThrownBy(() -> ResourceNames.check("header.model", ".x"))
        .isInstanceOfSatisfying(
            CanopyException.InvalidArgument.class,
            e -> assertThat(e.field()).isEqualTo("header.model"));
    assertThatThrownBy(() -> ResourceNames.check("alias", ""))
        .isInstanceOf(CanopyException.InvalidArgument.class)
        .hasMessageContaining("required");
    assertThat(ResourceNames.check("model", "churn")).isEqualTo("churn");
  }
}
