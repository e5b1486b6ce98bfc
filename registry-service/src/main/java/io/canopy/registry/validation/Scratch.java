package io.canopy.registry.validation;

import io.canopy.common.files.Directories;
import java.io.IOException;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Removes a validation child's private directory. */
final class Scratch {

  private static final Logger LOG = Logger.getLogger(Scratch.class.getName());

  private Scratch() {}

  static void delete(Path dir) {
    try {
      Directories.deleteTree(dir);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot clean up " + dir, e);
    }
  }
}
