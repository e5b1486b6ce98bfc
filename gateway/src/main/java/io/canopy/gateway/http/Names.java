package io.canopy.gateway.http;

import java.util.regex.Pattern;

/** Validates the names and numbers that arrive in URL paths, naming the field at fault. */
final class Names {

  // The registry's rule for model names; aliases follow it too.
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  private Names() {}

  static String model(String value) {
    return name("model", value);
  }

  static String featureView(String value) {
    return name("feature_view", value);
  }

  static String alias(String value) {
    return name("alias", value);
  }

  /** A version number: a positive integer. */
  static long version(String value) {
    try {
      long v = Long.parseLong(value);
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw JsonInput.invalid("version", "'" + value + "' is not a positive integer");
  }

  private static String name(String field, String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw JsonInput.invalid(
          field,
          "'"
              + value
              + "' is not a valid name: 1-128 characters of [A-Za-z0-9_.-],"
              + " starting with a letter or digit");
    }
    return value;
  }
}
