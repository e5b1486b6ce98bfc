package io.canopy.common.auth;

import java.util.Locale;

/**
 * What a token may do. Each role includes the ones before it: {@code admin} may also write features
 * and predict; {@code write-features} may also predict.
 */
public enum Role {
  /** Predict, KServe inference and metadata, read features, feature views and the registry. */
  PREDICT,
  /** Also write feature values. */
  WRITE_FEATURES,
  /** Also create, replace and delete feature views, and change models (registry). */
  ADMIN;

  /** True when a token of this role may do what {@code needed} allows. */
  public boolean covers(Role needed) {
    return ordinal() >= needed.ordinal();
  }

  /** The name in configuration: predict, write-features, admin. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Reads {@code predict}, {@code write-features} or {@code admin}; fails naming {@code key}. */
  public static Role parse(String value, String key) {
    for (Role role : values()) {
      if (role.configName().equals(value == null ? "" : value.trim().toLowerCase(Locale.ROOT))) {
        return role;
      }
    }
    throw new IllegalArgumentException(
        key + ": '" + value + "' is not a role (predict, write-features, admin)");
  }
}
