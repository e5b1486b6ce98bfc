package io.canopy.serving.predict;

import io.canopy.common.config.ConfigLoader;
import io.helidon.config.Config;

/**
 * The pure-Java fast path for small batches.
 *
 * @param enabled compile and verify a flat forest for every version at load time
 * @param maxRows the crossover: requests of at most this many rows use the flat forest, larger ones
 *     XGBoost4J
 */
public record FastPathSettings(boolean enabled, int maxRows) {

  /** The defaults of serving.yaml. */
  public static final FastPathSettings DEFAULT = new FastPathSettings(true, 8192);

  /** XGBoost4J for everything. */
  public static final FastPathSettings DISABLED = new FastPathSettings(false, 0);

  /** Reads {@code enabled} and {@code max-rows} of the {@code serving.predict.fast-path} node. */
  public static FastPathSettings create(Config node) {
    String enabled = ConfigLoader.stringValue(node, "enabled").trim();
    if (!enabled.equals("true") && !enabled.equals("false")) {
      throw new IllegalArgumentException(
          node.get("enabled").key() + ": must be true or false, got '" + enabled + "'");
    }
    return new FastPathSettings(
        Boolean.parseBoolean(enabled), ConfigLoader.intValue(node, "max-rows"));
  }

  public FastPathSettings {
    if (maxRows < 0) {
      throw new IllegalArgumentException(
          "serving.predict.fast-path.max-rows: must be >= 0, got " + maxRows);
    }
  }
}
