package io.canopy.registry.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class XGBoostErrorsTest {

  @Test
  void summary_nativeMessage_firstLineWithoutTimestampSourceOrStack() {
    String message =
        "[21:30:05] /workspace/include/xgboost/string_view.h:46: Check failed: beg <= size_"
            + " (5031 vs. 5000) : \nStack trace:\n  [bt] (0) /tmp/libxgboost4j.so(...)";

    assertThat(XGBoostErrors.summary(message))
        .isEqualTo("Check failed: beg <= size_ (5031 vs. 5000)");
  }

  @Test
  void summary_emptyOrHuge_boundedText() {
    assertThat(XGBoostErrors.summary(null)).isEqualTo("unknown error");
    assertThat(XGBoostErrors.summary("x".repeat(10_000))).hasSizeLessThan(400);
  }
}
