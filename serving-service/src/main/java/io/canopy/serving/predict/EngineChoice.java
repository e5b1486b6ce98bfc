package io.canopy.serving.predict;

import java.util.Objects;

/**
 * The engine a version got at load time and why.
 *
 * @param reason a short fixed code, fit for a metric tag: verified, disabled, mismatch, error,
 *     dart, gblinear, booster, categorical, multi-target, objective, malformed
 * @param detail what exactly, for the model status and the log
 */
public record EngineChoice(Engine engine, String reason, String detail) {

  public EngineChoice {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }

  @Override
  public String toString() {
    return engine.name().toLowerCase(java.util.Locale.ROOT) + " (" + reason + ": " + detail + ")";
  }
}
