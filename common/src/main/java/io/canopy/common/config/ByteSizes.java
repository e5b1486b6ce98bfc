package io.canopy.common.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one grammar of byte sizes in configuration: a whole number of bytes ({@code 1048576}) or a
 * number with a binary unit ({@code 512KiB}, {@code 64MiB}, {@code 4GiB}, {@code 1.5GiB}, {@code
 * 2TiB}; {@code B} too). Decimal units (MB, GB) are refused rather than guessed at.
 */
public final class ByteSizes {

  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(B|KIB|MIB|GIB|TIB)?", Pattern.CASE_INSENSITIVE);

  private ByteSizes() {}

  /**
   * Parses {@code text}; a failure names {@code key}.
   *
   * @throws IllegalArgumentException when it is not a size or exceeds a long
   */
  public static long parse(String text, String key) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          key + ": '" + text + "' is not a size (bytes, or a number with KiB, MiB, GiB, TiB)");
    }
    String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
    int shift =
        switch (unit) {
          case "KIB" -> 10;
          case "MIB" -> 20;
          case "GIB" -> 30;
          case "TIB" -> 40;
          default -> 0;
        };
    double bytes = Double.parseDouble(m.group(1)) * Math.pow(2, shift);
    if (bytes >= Long.MAX_VALUE || (shift == 0 && m.group(1).contains("."))) {
      throw new IllegalArgumentException(key + ": '" + text + "' is not a whole number of bytes");
    }
    return (long) bytes;
  }

  /** {@code bytes} for people: 1.5 GiB, 640 MiB, 12 KiB, 100 B. */
  public static String format(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = 0;
    while (Math.abs(v) >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
