package io.canopy.common.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of Canopy's configuration and command line: a number and a unit ({@code
 * 250ms}, {@code 1.5s}, {@code 2m}, {@code 1h}, {@code 7d}; units ns, us, ms, s, m, h, d, any case,
 * a space allowed between), a bare {@code 0}, or ISO-8601 ({@code PT10S}). Negative durations are
 * refused.
 */
public final class Durations {

  private static final Pattern SHORT =
      Pattern.compile("(\\d{1,15}(?:\\.\\d{1,9})?)\\s*(ns|us|ms|s|m|h|d)");

  private Durations() {}

  /**
   * Parses {@code text}; a refusal names {@code what} (a config key or an option) and shows
   * examples.
   */
  public static Duration parse(String text, String what) {
    return tryParse(text)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    what
                        + ": '"
                        + text
                        + "' is not a duration (e.g. 250ms, 10s, 2m, 1h, 7d or PT10S)"));
  }

  /** Parses {@code text}, or empty when it is not a duration of this grammar. */
  public static Optional<Duration> tryParse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.equals("0")) {
      return Optional.of(Duration.ZERO);
    }
    Matcher m = SHORT.matcher(t);
    if (m.matches()) {
      BigDecimal nanos =
          new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(nanosPer(m.group(2))));
      try {
        return Optional.of(
            Duration.ofNanos(nanos.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact()));
      } catch (ArithmeticException tooLong) {
        return Optional.empty();
      }
    }
    try {
      Duration d = Duration.parse(text.strip());
      return d.isNegative() ? Optional.empty() : Optional.of(d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static long nanosPer(String unit) {
    return switch (unit) {
      case "ns" -> 1L;
      case "us" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      case "h" -> 3_600_000_000_000L;
      default -> 86_400_000_000_000L;
    };
  }
}
