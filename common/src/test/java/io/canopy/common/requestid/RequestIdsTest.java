package io.canopy.common.requestid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.error.CanopyException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

  @Test
  void resolve_fieldThenHeaderThenGenerated() {
    assertThat(RequestIds.resolve("request_id", "from-field", "from-header"))
        .isEqualTo("from-field");
    assertThat(RequestIds.resolve("request_id", "", "from-header")).isEqualTo("from-header");
    assertThat(RequestIds.resolve("request_id", "", null)).matches("[0-9a-f]{32}");
    assertThat(RequestIds.resolve("request_id", null, "")).matches("[0-9a-f]{32}");
  }

  @Test
  void generate_isUniqueEnough() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(RequestIds.generate());
    }
    assertThat(ids).hasSize(10_000).allMatch(id -> id.matches("[0-9a-f]{32}"));
  }

  @Test
  void resolve_tooLongOrNotPrintable_namesTheFieldItCameFrom() {
    assertThatThrownBy(() -> RequestIds.resolve("id", "x".repeat(129), null))
        .isInstanceOfSatisfying(
            CanopyException.InvalidArgument.class, e -> assertThat(e.field()).isEqualTo("id"));
    assertThatThrownBy(() -> RequestIds.resolve("request_id", "", "a b"))
        .isInstanceOfSatisfying(
            CanopyException.InvalidArgument.class,
            e -> assertThat(e.field()).isEqualTo("x-request-id"));
    assertThatThrownBy(() -> RequestIds.resolve("request_id", "tab\there", null))
        .isInstanceOf(CanopyException.InvalidArgument.class);
    assertThat(RequestIds.resolve("request_id", "x".repeat(128), null)).hasSize(128);
  }
}
