package io.canopy.registry.validation;

import io.canopy.lightgbm.LightGbmText;
import io.canopy.proto.registry.v1.ModelFormat;

/**
 * Recognizes model formats from the first bytes of a file, without parsing it: XGBoost's JSON is a
 * {@code '{'} followed (after optional whitespace) by {@code '"'}; its UBJ is a {@code '{'}
 * followed directly by a UBJSON length or container marker; LightGBM's text starts with a {@code
 * tree} line.
 */
public final class ModelFormats {

  /** How many leading bytes {@link #detect} needs at most. */
  public static final int HEAD_BYTES = 4096;

  private static final String UBJ_MARKERS = "iUIlL$#";

  private ModelFormats() {}

  /** The format of a file starting with {@code head[0..length)}, or UNSPECIFIED if neither. */
  public static ModelFormat detect(byte[] head, int length) {
    int n = Math.min(length, head.length);
    if (LightGbmText.looksLike(head, n)) {
      return ModelFormat.MODEL_FORMAT_LIGHTGBM;
    }
    int i = skipWhitespace(head, 0, n);
    if (i >= n || head[i] != '{') {
      return ModelFormat.MODEL_FORMAT_UNSPECIFIED;
    }
    if (i == 0 && n > 1 && UBJ_MARKERS.indexOf(head[1]) >= 0) {
      return ModelFormat.MODEL_FORMAT_UBJ;
    }
    int j = skipWhitespace(head, i + 1, n);
    if (j < n && head[j] == '"') {
      return ModelFormat.MODEL_FORMAT_JSON;
    }
    return ModelFormat.MODEL_FORMAT_UNSPECIFIED;
  }

  /** The file name extension that says the format (XGBoost picks its parser by it). */
  public static String extension(ModelFormat format) {
    return switch (format) {
      case MODEL_FORMAT_UBJ -> "ubj";
      case MODEL_FORMAT_JSON -> "json";
      case MODEL_FORMAT_LIGHTGBM -> "txt";
      default -> throw new IllegalArgumentException("no file extension for " + format);
    };
  }

  private static int skipWhitespace(byte[] b, int from, int n) {
    int i = from;
    while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
      i++;
    }
    return i;
  }
}
