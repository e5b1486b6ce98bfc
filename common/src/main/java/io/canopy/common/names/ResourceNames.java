package io.canopy.common.names;

import io.canopy.common.error.CanopyException;
import java.util.regex.Pattern;

/**
 * The one rule for the names of models, aliases and feature views, on every front (registry and
 * serving over gRPC, the gateway's gRPC and HTTP paths): 1-128 characters of {@code
 * [A-Za-z0-9_.-]}, starting with a letter or digit, so every name fits a URL path segment and a
 * metric label as it is.
 */
public final class ResourceNames {

  /** The rule in words, for error messages and docs. */
  public static final String RULE =
      "1-128 characters of [A-Za-z0-9_.-], starting with a letter or digit";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  private ResourceNames() {}

  /** True when {@code value} follows the rule. */
  public static boolean isValid(String value) {
    return value != null && NAME.matcher(value).matches();
  }

  /**
   * Returns {@code value} when it follows the rule.
   *
   * @throws CanopyException.InvalidArgument naming {@code field}: empty, or not following the rule
   */
  public static String check(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new CanopyException.InvalidArgument(field, "is required");
    }
    if (!isValid(value)) {
      throw new CanopyException.InvalidArgument(field, "must be " + RULE);
    }
    return value;
  }
}
