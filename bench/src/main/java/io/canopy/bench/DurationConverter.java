package io.canopy.bench;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h} (or ISO-8601 {@code PT5S}). */
final class DurationConverter implements ITypeConverter<Duration> {

  private static final Pattern SHORT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  @Override
  public Duration convert(String value) {
    String v = value.strip().toLowerCase(java.util.Locale.ROOT);
    if (v.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = SHORT.matcher(v);
    if (m.matches()) {
      double amount = Double.parseDouble(m.group(1));
      double millis = switch (m.group(2)) {
        case "ms" -> amount;
        case "s" -> amount * 1_000;
        case "m" -> amount * 60_000;
        default -> amount * 3_600_000;
      };
      return Duration.ofNanos(Math.round(millis * 1_000_000));
    }
    try {
      return Duration.parse(value.strip());
    } catch (java.time.format.DateTimeParseException e) {
      throw new TypeConversionException("'" + value + "' is not a duration like 250ms, 5s, 2m or 1h");
    }
  }
}
