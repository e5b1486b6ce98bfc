package io.canopy.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Reads the Python-computed fixtures copied into this module's test resources. */
final class Fixtures {

  private Fixtures() {}

  static byte[] bytes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** CSV lines without the header, if {@code header} is true. */
  static List<String> lines(String name, boolean header) {
    List<String> lines =
        new String(bytes(name), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    return header ? lines.subList(1, lines.size()) : lines;
  }

  /** The rows CSV as one row-major matrix; "nan" cells become NaN. */
  static float[] matrix(String name, int columns) {
    List<String> rows = lines(name, true);
    float[] values = new float[rows.size() * columns];
    for (int r = 0; r < rows.size(); r++) {
      String[] cells = rows.get(r).split(",");
      for (int c = 0; c < columns; c++) {
        values[r * columns + c] =
            cells[c].equalsIgnoreCase("nan") ? Float.NaN : Float.parseFloat(cells[c]);
      }
    }
    return values;
  }

  static double[] column(String name) {
    return lines(name, false).stream().mapToDouble(Double::parseDouble).toArray();
  }
}
