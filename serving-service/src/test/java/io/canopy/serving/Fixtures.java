package io.canopy.serving;

import io.canopy.common.digest.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Test fixtures (models trained by Python xgboost and the outputs it computed), from the classpath.
 */
public final class Fixtures {

  public static final String BREAST_CANCER_UBJ = "breast_cancer_binary.ubj";
  public static final String BREAST_CANCER_JSON = "breast_cancer_binary.json";
  public static final String DIABETES_UBJ = "diabetes_regression.ubj";
  public static final String CORRUPT_UBJ = "corrupt_truncated.ubj";

  private Fixtures() {}

  public static byte[] bytes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String sha256(String name) {
    return Sha256.hex(bytes(name));
  }

  /** A CSV of floats ("nan" or an empty cell = NaN), with or without a header line, as rows. */
  public static float[][] csv(String name, boolean header) {
    List<String> lines =
        new String(bytes(name), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    return lines.stream()
        .skip(header ? 1 : 0)
        .map(
            line -> {
              String[] cells = line.split(",", -1);
              float[] row = new float[cells.length];
              for (int i = 0; i < cells.length; i++) {
                String cell = cells[i].trim();
                row[i] = cell.isEmpty() ? Float.NaN : Float.parseFloat(cell.replace("nan", "NaN"));
              }
              return row;
            })
        .toArray(float[][]::new);
  }

  /** The header line of a CSV, as column names. */
  public static List<String> header(String name) {
    String first =
        new String(bytes(name), StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
    return Arrays.asList(first.split(","));
  }

  /** Row-major concatenation of rows. */
  public static float[] flat(float[][] rows) {
    int width = rows[0].length;
    float[] out = new float[rows.length * width];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, out, r * width, width);
    }
    return out;
  }

  /** The single column of a one-column CSV. */
  public static float[] column(String name) {
    float[][] rows = csv(name, false);
    float[] out = new float[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = rows[i][0];
    }
    return out;
  }

  public static float[] breastCancerRows() {
    return flat(csv("breast_cancer_rows.csv", true));
  }

  public static float[] breastCancerProbabilities() {
    return column("breast_cancer_expected_probability.csv");
  }
}
