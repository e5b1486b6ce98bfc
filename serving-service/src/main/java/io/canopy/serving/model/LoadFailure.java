package io.canopy.serving.model;

/** Why a version could not be loaded, and whether trying again later can help. */
final class LoadFailure extends Exception {

  private final boolean permanent;

  private LoadFailure(String message, boolean permanent, Throwable cause) {
    super(message, cause);
    this.permanent = permanent;
  }

  /** Bad bytes or metadata: trying again cannot help. */
  static LoadFailure permanent(String message, Throwable cause) {
    return new LoadFailure(message, true, cause);
  }

  /** The registry was unreachable or slow: retry with backoff. */
  static LoadFailure transientFailure(String message, Throwable cause) {
    return new LoadFailure(message, false, cause);
  }

  boolean permanent() {
    return permanent;
  }
}
