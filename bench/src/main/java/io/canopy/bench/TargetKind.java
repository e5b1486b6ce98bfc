package io.canopy.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What {@code --target} names. */
enum TargetKind {
  FLOOR("floor"),
  PREDICT("predict"),
  KSERVE("kserve"),
  FEATURES("features"),
  HTTP_PREDICT("http-predict"),
  HTTP_KSERVE("http-kserve");

  private final String option;

  TargetKind(String option) {
    this.option = option;
  }

  static TargetKind parse(String value) {
    for (TargetKind kind : values()) {
      if (kind.option.equals(value.toLowerCase(Locale.ROOT))) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "--target must be one of "
            + Arrays.stream(values()).map(k -> k.option).collect(Collectors.joining(", "))
            + "; got "
            + value);
  }

  boolean http() {
    return this == HTTP_PREDICT || this == HTTP_KSERVE;
  }

  /** Whether requests carry model rows (and so need a feature count). */
  boolean carriesRows() {
    return this == PREDICT || this == KSERVE || http();
  }
}
