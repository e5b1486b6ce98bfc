package io.canopy.cli.registry;

import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.ReferenceSample;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A reference sample as a CSV file (a header row of column names, then one row per line; empty or
 * {@code nan} is missing), read before the upload so that a broken file stops it, then cut to the
 * version's features by name (other columns, such as a label, are left out).
 */
final class ReferenceCsv {

  /** As many rows as the registry takes. */
  static final int MAX_ROWS = 100_000;

  private final List<String> header;
  private final List<float[]> rows;

  private ReferenceCsv(List<String> header, List<float[]> rows) {
    this.header = header;
    this.rows = rows;
  }

  static ReferenceCsv read(Path file) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String first = in.readLine();
      if (first == null || first.isBlank()) {
        throw new IllegalArgumentException(file + ": no header row of column names");
      }
      List<String> header = Arrays.stream(first.split(",", -1)).map(String::trim).toList();
      List<float[]> rows = new ArrayList<>();
      int line = 1;
      for (String text; (text = in.readLine()) != null; ) {
        line++;
        if (text.isBlank()) {
          continue;
        }
        if (rows.size() == MAX_ROWS) {
          throw new IllegalArgumentException(
              file + ": more than " + MAX_ROWS + " rows; sample them first");
        }
        String[] cells = text.split(",", -1);
        if (cells.length != header.size()) {
          throw new IllegalArgumentException(
              file
                  + " line "
                  + line
                  + ": "
                  + cells.length
                  + " cells, the header has "
                  + header.size());
        }
        float[] row = new float[cells.length];
        for (int c = 0; c < cells.length; c++) {
          String cell = cells[c].trim();
          try {
            row[c] =
                cell.isEmpty() || cell.equalsIgnoreCase("nan") ? Float.NaN : Float.parseFloat(cell);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                file
                    + " line "
                    + line
                    + " column "
                    + header.get(c)
                    + ": '"
                    + cell
                    + "' is not a number");
          }
        }
        rows.add(row);
      }
      if (rows.isEmpty()) {
        throw new IllegalArgumentException(file + ": no rows");
      }
      return new ReferenceCsv(header, rows);
    }
  }

  /** The sample of {@code version}'s features, by name (by position when it has no names). */
  ReferenceSample sampleFor(ModelVersion version) {
    List<String> names = version.getFeatureNamesList();
    int[] columns = new int[version.getNumFeatures()];
    List<String> featureNames = new ArrayList<>();
    for (int f = 0; f < columns.length; f++) {
      if (names.isEmpty()) {
        if (header.size() != columns.length) {
          throw new IllegalArgumentException(
              "the model has "
                  + columns.length
                  + " unnamed features; the CSV has "
                  + header.size()
                  + " columns");
        }
        columns[f] = f;
        featureNames.add("f" + f);
      } else {
        columns[f] = header.indexOf(names.get(f));
        if (columns[f] < 0) {
          throw new IllegalArgumentException(
              "the CSV has no column '" + names.get(f) + "' (the model's features: " + names + ")");
        }
        featureNames.add(names.get(f));
      }
    }
    ReferenceSample.Builder sample =
        ReferenceSample.newBuilder().addAllFeatureNames(featureNames).setRows(rows.size());
    for (float[] row : rows) {
      for (int column : columns) {
        sample.addValues(row[column]);
      }
    }
    return sample.build();
  }
}
