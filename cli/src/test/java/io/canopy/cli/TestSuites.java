package io.canopy.cli;

import io.canopy.cli.up.Suite;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Starts the whole suite on port 0 with every store under one temporary directory. */
final class TestSuites {

  private TestSuites() {}

  static Suite start(Path dir) {
    return start(dir, Map.of());
  }

  static Suite start(Path dir, Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>();
    settings.put("registry.grpc.port", "0");
    settings.put("registry.admin.port", "0");
    settings.put("registry.data-dir", dir.resolve("registry").toString());
    settings.put("serving.grpc.port", "0");
    settings.put("serving.admin.port", "0");
    settings.put("serving.cache-dir", dir.resolve("serving-cache").toString());
    settings.put("serving.features.rocksdb.path", dir.resolve("features").toString());
    settings.put("gateway.http.port", "0");
    settings.put("gateway.grpc.port", "0");
    settings.putAll(extra);
    return Suite.start(settings);
  }
}
