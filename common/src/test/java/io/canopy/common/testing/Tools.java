package io.canopy.common.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * A test that needs a tool this machine may lack (a Python package, node_modules, root): skipped on
 * a developer's machine without it, a failure under {@code CI=true}, where {@code .ci/run} installs
 * every tool, so a missing one is a broken CI and never a silent pass.
 */
public final class Tools {

  private Tools() {}

  /**
   * Continues when {@code available}; otherwise skips the test, or fails it under CI.
   *
   * @param missing what is missing and how to get it, e.g. "buf is not installed: run 'npm ci' in
   *     proto/"
   */
  public static void require(boolean available, String missing) {
    if (available) {
      return;
    }
    if (underCi()) {
      throw new AssertionError(missing + " (CI=true: .ci/run installs it, so this must not skip)");
    }
    Assumptions.abort(missing);
  }

  /** True when the suite runs under CI ({@code CI=true}). */
  public static boolean underCi() {
    return "true".equals(System.getenv("CI"));
  }
}
