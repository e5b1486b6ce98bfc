package io.canopy.common.names;

import io.canopy.common.error.CanopyException;

/**
 * The errors for a model, version or alias a request names but that does not exist: one wording and
 * one status for serving and the gateway, whichever of them finds it missing.
 */
public final class Missing {

  private Missing() {}

  /** NOT_FOUND: no model of that name. */
  public static CanopyException.NotFound model(String model) {
    return new CanopyException.NotFound("model '" + model + "' not found");
  }

  /** NOT_FOUND: the model has no alias of that name. */
  public static CanopyException.NotFound alias(String model, String alias) {
    return new CanopyException.NotFound("model '" + model + "' has no alias '" + alias + "'");
  }

  /** NOT_FOUND: the model has no such version. */
  public static CanopyException.NotFound version(String model, long version) {
    return new CanopyException.NotFound("model '" + model + "' has no version " + version);
  }

  /**
   * FAILED_PRECONDITION: a request without a version selector, for a model with neither a
   * production alias nor a READY version to default to.
   */
  public static CanopyException.FailedPrecondition noDefault(String model) {
    return new CanopyException.FailedPrecondition(
        "model '" + model + "' has no production alias and no READY version");
  }
}
