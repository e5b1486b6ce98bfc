package io.canopy.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Models trained by Python xgboost, copied from the shared fixtures into test resources. */
public final class Fixtures {

  public static final String UBJ = "breast_cancer_binary.ubj";
  public static final String JSON = "breast_cancer_binary.json";
  public static final String TRUNCATED = "corrupt_truncated.ubj";
  public static final String DIABETES = "diabetes_regression.ubj";

  /**
   * An offset of the UBJ fixture where one inverted byte makes XGBoost's parser SIGSEGV (a string
   * length far past the end); the validator's own reader now refuses it before XGBoost runs.
   */
  public static final int CRASHING_OFFSET = 13_507;

  private Fixtures() {}

  public static byte[] bytes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource fixtures/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The UBJ fixture with the byte at each offset inverted. */
  public static byte[] flipped(int... offsets) {
    byte[] b = bytes(UBJ);
    for (int offset : offsets) {
      b[offset] ^= (byte) 0xFF;
    }
    return b;
  }

  /** The JSON fixture followed by {@code padding} spaces (still valid JSON), to test chunking. */
  public static byte[] paddedJson(int padding) {
    byte[] json = bytes(JSON);
    byte[] out = Arrays.copyOf(json, json.length + padding);
    Arrays.fill(out, json.length, out.length, " ".getBytes(StandardCharsets.US_ASCII)[0]);
    return out;
  }
}
