package io.canopy.registry.validation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/** Removes a validation child's private directory. */
final class Scratch {

  private static final Logger LOG = Logger.getLogger(Scratch.class.getName());

  private Scratch() {}

  static void delete(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot clean up " + dir, e);
    }
  }
}
