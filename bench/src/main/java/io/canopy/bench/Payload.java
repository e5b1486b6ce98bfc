package io.canopy.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The rows requests carry: read from a CSV file (header row of feature names, then numbers; an
 * empty cell or {@code nan} is missing) or generated uniformly in [0, 10). Requests take
 * consecutive rows, cycling.
 */
final class Payload {

  /** Distinct request bodies built up front and cycled: enough variety, no per-call building. */
  static final int MAX_DISTINCT_REQUESTS = 64;

  private static final int GENERATED_ROWS = 256;

  private final List<float[]> rows;
  private final int numFeatures;

  private Payload(List<float[]> rows, int numFeatures) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("the payload has no rows");
    }
    this.rows = rows;
    this.numFeatures = numFeatures;
  }

  static Payload generated(int numFeatures, long seed) {
    if (numFeatures < 1) {
      throw new IllegalArgumentException("--features must be positive, got " + numFeatures);
    }
    SplittableRandom random = new SplittableRandom(seed);
    List<float[]> rows = new ArrayList<>(GENERATED_ROWS);
    for (int r = 0; r < GENERATED_ROWS; r++) {
      float[] row = new float[numFeatures];
      for (int f = 0; f < numFeatures; f++) {
        row[f] = (float) random.nextDouble(0, 10);
      }
      rows.add(row);
    }
    return new Payload(rows, numFeatures);
  }

  /** Reads a CSV with a header row; every later row must have the header's column count. */
  static Payload csv(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("--csv " + file + " is empty");
    }
    int columns = lines.get(0).split(",", -1).length;
    List<float[]> rows = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] cells = line.split(",", -1);
      if (cells.length != columns) {
        throw new IllegalArgumentException(
            "--csv "
                + file
                + " line "
                + (i + 1)
                + " has "
                + cells.length
                + " columns, the header "
                + columns);
      }
      float[] row = new float[columns];
      for (int c = 0; c < columns; c++) {
        row[c] = parseCell(cells[c].strip(), file, i + 1);
      }
      rows.add(row);
    }
    return new Payload(rows, columns);
  }

  private static float parseCell(String cell, Path file, int line) {
    if (cell.isEmpty() || cell.equalsIgnoreCase("nan")) {
      return Float.NaN;
    }
    try {
      return Float.parseFloat(cell);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--csv " + file + " line " + line + ": not a number: " + cell);
    }
  }

  int numFeatures() {
    return numFeatures;
  }

  /** How many distinct request bodies to build for {@code rowsPerRequest}. */
  int distinctRequests(int rowsPerRequest) {
    int needed = (rows.size() + rowsPerRequest - 1) / rowsPerRequest;
    return Math.max(1, Math.min(MAX_DISTINCT_REQUESTS, needed));
  }

  /** Request {@code index}'s rows, row-major: rows {@code index * rowsPerRequest ...}, cycling. */
  float[] batch(int index, int rowsPerRequest) {
    float[] flat = new float[rowsPerRequest * numFeatures];
    for (int r = 0; r < rowsPerRequest; r++) {
      float[] row = rows.get((int) (((long) index * rowsPerRequest + r) % rows.size()));
      System.arraycopy(row, 0, flat, r * numFeatures, numFeatures);
    }
    return flat;
  }
}
