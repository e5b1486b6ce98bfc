package io.canopy.lightgbm;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * A model trained by LightGBM's own library (lightgbm4j) on generated rows, with its text and
 * LightGBM's predictions, for the tests. Rows have missing values (NaN), zeros, negatives, and for
 * categorical models small non-negative integers in the categorical columns.
 */
public final class Trained implements AutoCloseable {

  public final String text;
  final NativeBooster booster;
  public final int features;

  private Trained(String text, NativeBooster booster, int features) {
    this.text = text;
    this.booster = booster;
    this.features = features;
  }

  public byte[] bytes() {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Trains on {@code rows} generated rows.
   *
   * @param labels "binary", "multiclass3", "regression", "count", "positive", "rank"
   * @param parameters LightGBM parameters, e.g. "objective=binary num_leaves=15"
   */
  public static Trained train(String labels, String parameters, int rows, int iterations, long seed)
      throws Exception {
    int features = 6;
    Random random = new Random(seed);
    float[] x = rows(rows, features, random);
    float[] y = new float[rows];
    for (int r = 0; r < rows; r++) {
      float a = Float.isNaN(x[r * features]) ? 0 : x[r * features];
      float b = x[r * features + 1];
      float c = x[r * features + 2];
      float d = x[r * features + 3];
      double signal =
          a + 0.5 * b - 0.3 * (c % 3) + (d % 5 == 0 ? 0.9 : 0) + random.nextGaussian() * 0.3;
      y[r] =
          switch (labels) {
            case "binary" -> signal > 0.2 ? 1 : 0;
            case "multiclass3" -> signal < -0.5 ? 0 : signal < 0.8 ? 1 : 2;
            case "regression" -> (float) signal;
            case "count" -> (float) Math.floor(Math.exp(Math.min(3, signal)));
            case "positive" -> (float) Math.exp(Math.min(3, signal));
            case "rank" -> (float) Math.max(0, Math.min(3, Math.round(signal + 1)));
            default -> throw new IllegalArgumentException(labels);
          };
    }
    String params = parameters + " verbosity=-1 num_threads=1 deterministic=true seed=1";
    String[] names = new String[features];
    for (int f = 0; f < features; f++) {
      names[f] = "f" + f;
    }
    int[] groups = null;
    if (labels.equals("rank")) {
      groups = new int[rows / 20];
      java.util.Arrays.fill(groups, 20);
    }
    String text = Training.train(x, y, features, names, groups, params, iterations);
    return new Trained(text, new NativeBooster(text, features), features);
  }

  /** Generated rows: column 0 with NaNs, 1 with zeros, 2 and 3 small integers, 4-5 uniform. */
  public static float[] rows(int rows, int features, Random random) {
    float[] x = new float[rows * features];
    for (int r = 0; r < rows; r++) {
      int o = r * features;
      x[o] = random.nextFloat() < 0.15 ? Float.NaN : (float) random.nextGaussian();
      x[o + 1] = random.nextFloat() < 0.2 ? 0f : (float) (random.nextGaussian() * 2);
      x[o + 2] = random.nextInt(12);
      x[o + 3] = random.nextInt(40);
      x[o + 4] = random.nextFloat() * 10 - 5;
      x[o + 5] = random.nextFloat();
    }
    return x;
  }

  /** LightGBM's predictions ({@link NativeBooster#RAW} ...), row-major. */
  public double[] predict(float[] rows, int count, int type) {
    return booster.predict(rows, count, type);
  }

  @Override
  public void close() {
    booster.close();
  }
}
