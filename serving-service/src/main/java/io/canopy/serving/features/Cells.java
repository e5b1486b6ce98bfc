package io.canopy.serving.features;

import com.google.protobuf.InvalidProtocolBufferException;
import io.canopy.proto.features.v1.FeatureValue;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The stored form of one feature value: its event time as 19 zero-padded decimal digits of
 * nanoseconds since the epoch, then the {@link FeatureValue} protobuf. The fixed-width decimal
 * prefix orders the same as the time, so Redis' Lua script compares times as plain strings.
 */
final class Cells {

  static final int TIME_DIGITS = 19;

  // Tags of FeatureValue's fields: field number << 3 | wire type.
  private static final byte FLOAT_TAG = 1 << 3 | 5; // fixed32
  private static final byte DOUBLE_TAG = 2 << 3 | 1; // fixed64
  private static final byte INT64_TAG = 3 << 3; // varint
  private static final byte BOOL_TAG = 4 << 3; // varint

  private static final VarHandle LITTLE_ENDIAN_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

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
    return eventNanos(cell, 0);
  }

  /**
   * The event time in {@code bytes[offset, offset + 19)}: three digits, then two runs of eight,
   * each run parsed as one little-endian long in three multiply-and-mask steps instead of eight
   * dependent multiply-adds (a read of many entities parses one time a cell).
   */
  static long eventNanos(byte[] bytes, int offset) {
    long head =
        (bytes[offset] - '0') * 100L + (bytes[offset + 1] - '0') * 10L + (bytes[offset + 2] - '0');
    return head * 10_000_000_000_000_000L
        + eightDigits(bytes, offset + 3) * 100_000_000L
        + eightDigits(bytes, offset + 11);
  }

  /** The eight ASCII digits at {@code at}, most significant first, as a number. */
  private static long eightDigits(byte[] bytes, int at) {
    long digits = (long) LITTLE_ENDIAN_LONG.get(bytes, at) - 0x3030303030303030L;
    digits = (digits * 10 + (digits >>> 8)) & 0x00ff00ff00ff00ffL; // pairs: 10 a + b
    digits = (digits * 100 + (digits >>> 16)) & 0x0000ffff0000ffffL; // fours
    return (digits * 10_000 + (digits >>> 32)) & 0xffffffffL; // eight
  }

  /**
   * Decodes the {@link FeatureValue} in {@code bytes[offset, offset + length)} into {@code into} at
   * {@code at} and returns its {@link FeatureValue.KindCase} number ({@link FoundCells#NONE} when
   * it holds none or does not parse). What {@link FeatureValue#toByteArray} writes for a number or
   * a bool (one tag, one value) is read here by hand: a lookup of many entities decodes many;
   * anything else goes through the protobuf parser.
   */
  static int decodeValue(byte[] bytes, int offset, int length, FoundCells into, int at) {
    int end = offset + length;
    if (length == 5 && bytes[offset] == FLOAT_TAG) {
      into.fixed(at, littleEndian(bytes, offset + 1, 4));
      return FeatureValue.KindCase.FLOAT_VALUE.getNumber();
    }
    if (length == 9 && bytes[offset] == DOUBLE_TAG) {
      into.fixed(at, littleEndian(bytes, offset + 1, 8));
      return FeatureValue.KindCase.DOUBLE_VALUE.getNumber();
    }
    if (length >= 2 && length <= 11 && (bytes[offset] == INT64_TAG || bytes[offset] == BOOL_TAG)) {
      long value = 0;
      int shift = 0;
      int i = offset + 1;
      // A varint: 7 bits a byte, low first, the last byte without its high bit.
      while (i < end && shift < 64) {
        byte b = bytes[i++];
        value |= (long) (b & 0x7f) << shift;
        shift += 7;
        if (b >= 0) {
          if (i != end) {
            break; // more follows: not the one-field form
          }
          boolean int64 = bytes[offset] == INT64_TAG;
          into.fixed(at, int64 ? value : (value != 0 ? 1 : 0));
          return int64
              ? FeatureValue.KindCase.INT64_VALUE.getNumber()
              : FeatureValue.KindCase.BOOL_VALUE.getNumber();
        }
      }
    }
    FeatureValue value;
    try {
      value = FeatureValue.parser().parseFrom(bytes, offset, length);
    } catch (InvalidProtocolBufferException e) {
      return FoundCells.NONE;
    }
    switch (value.getKindCase()) {
      case FLOAT_VALUE -> into.fixed(at, Float.floatToRawIntBits(value.getFloatValue()));
      case DOUBLE_VALUE -> into.fixed(at, Double.doubleToRawLongBits(value.getDoubleValue()));
      case INT64_VALUE -> into.fixed(at, value.getInt64Value());
      case BOOL_VALUE -> into.fixed(at, value.getBoolValue() ? 1 : 0);
      case STRING_VALUE -> into.string(at, value.getStringValue());
      case KIND_NOT_SET -> {}
    }
    return value.getKindCase().getNumber();
  }

  private static long littleEndian(byte[] bytes, int offset, int count) {
    long value = 0;
    for (int i = count - 1; i >= 0; i--) {
      value = (value << 8) | (bytes[offset + i] & 0xff);
    }
    return value;
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
