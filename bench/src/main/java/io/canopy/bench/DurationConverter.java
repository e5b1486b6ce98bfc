package io.canopy.bench;

import io.canopy.common.config.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a duration option in Canopy's one grammar ({@link Durations}: 250ms, 5s, 2m, PT5S). */
final class DurationConverter implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    return Durations.tryParse(value)
        .orElseThrow(
            () ->
                new TypeConversionException(
                    "'" + value + "' is not a duration like 250ms, 5s, 2m or 1h"));
  }
}
