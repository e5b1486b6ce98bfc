package io.canopy.serving.features;

import com.google.protobuf.InvalidProtocolBufferException;
import io.canopy.proto.features.v1.FeatureValue;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The stored form of one feature value: its event time as 19 zero-padded decimal digits of
 * nanoseconds since the epoch, then the {@link FeatureValue} protobuf. The fixed-width decimal
 * prefix orders the same as the time, so Redis' Lua script compares times as plain strings.
 */
final class Cells {

  static final int TIME_DIGITS = 19;

  private Cells() {}

  static byte[] encode(long eventNanos, FeatureValue value) {
    if (eventNanos < 0) {
      throw new IllegalArgumentException("event time before the epoch: " + eventNanos);
    }
    byte[] time = String.format("%019d", eventNanos).getBytes(StandardCharsets.US_ASCII);
    byte[] body = value.toByteArray();
    byte[] cell = Arrays.copyOf(time, TIME_DIGITS + body.length);
    System.arraycopy(body, 0, cell, TIME_DIGITS, body.length);
    return cell;
  }

  static long eventNanos(byte[] cell) {
    long nanos = 0;
    for (int i = 0; i < TIME_DIGITS; i++) {
      nanos = nanos * 10 + (cell[i] - '0');
    }
    return nanos;
  }

  /** The value, or null for a cell that does not parse (treated as absent). */
  static FeatureValue value(byte[] cell) {
    try {
      return FeatureValue.parser().parseFrom(cell, TIME_DIGITS, cell.length - TIME_DIGITS);
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }
}
