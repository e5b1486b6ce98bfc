package io.canopy.serving.features;

/**
 * What one feature call may cost, in bytes: a lookup's whole answer, and one stored STRING value.
 *
 * @param maxResponseBytes {@code serving.features.max-response-bytes}
 * @param maxValueBytes {@code serving.features.max-value-bytes}: the server's ceiling; a view may
 *     set a lower one
 */
public record FeatureLimits(int maxResponseBytes, int maxValueBytes) {

  /** The bundled defaults (32 MiB, 64 KiB). */
  public static final FeatureLimits DEFAULTS = new FeatureLimits(32 << 20, 64 << 10);

  public FeatureLimits {
    if (maxResponseBytes < 1024) {
      throw new IllegalArgumentException(
          "serving.features.max-response-bytes: must be at least 1024, got " + maxResponseBytes);
    }
    if (maxValueBytes < 1 || maxValueBytes > maxResponseBytes) {
      throw new IllegalArgumentException(
          "serving.features.max-value-bytes: must be between 1 and max-response-bytes ("
              + maxResponseBytes
              + "), got "
              + maxValueBytes);
    }
  }

  /** The STRING value limit of {@code viewLimit} (0: none of its own) under this ceiling. */
  int valueLimit(int viewLimit) {
    return viewLimit > 0 ? Math.min(viewLimit, maxValueBytes) : maxValueBytes;
  }
}
