package io.canopy.monitor.store;

import io.canopy.common.config.ConfigLoader;
import io.helidon.config.Config;
import java.nio.file.Path;

/** Reads a record store's settings, the same keys wherever they appear. */
public final class StoreConfig {

  private StoreConfig() {}

  /**
   * {@code <prefix>.postgresql.url} set: that database ({@code user}, {@code password}, {@code
   * schema} beside it); else the SQLite file {@code <prefix>.sqlite}.
   */
  public static StoreSettings create(Config node, String prefix) {
    String url = node.get("postgresql.url").asString().orElse("");
    if (!url.isBlank()) {
      Config pg = node.get("postgresql");
      return StoreSettings.postgres(
          url,
          pg.get("user").asString().orElse("postgres"),
          pg.get("password").asString().orElse(""),
          pg.get("schema").asString().orElse("canopy_monitor"));
    }
    String file = ConfigLoader.stringValue(node, "sqlite");
    if (file.isBlank()) {
      throw new IllegalArgumentException(prefix + ".sqlite: a file, or set postgresql.url");
    }
    return StoreSettings.sqlite(Path.of(file));
  }
}
