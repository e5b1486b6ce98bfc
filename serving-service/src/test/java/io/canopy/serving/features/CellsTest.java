package io.canopy.serving.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.proto.features.v1.FeatureValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CellsTest {

  static final long NANOS = 1_767_225_600_123_456_789L;

  /** Decodes one stored cell the way a lookup does; null when nothing usable is stored. */
  private static FeatureValue decoded(byte[] cell) {
    FoundCells found = new FoundCells(1, new int[] {1});
    found.cell(0, 0, cell, 0, cell.length);
    int kind = found.kind(0, 0);
    if (kind == FoundCells.NONE) {
      return null;
    }
    assertThat(found.eventNanos(0, 0)).isEqualTo(NANOS);
    FeatureValue.Builder value = FeatureValue.newBuilder();
    switch (FeatureValue.KindCase.forNumber(kind)) {
      case FLOAT_VALUE -> value.setFloatValue(found.floatValue(0, 0));
      case DOUBLE_VALUE -> value.setDoubleValue(found.doubleValue(0, 0));
      case INT64_VALUE -> value.setInt64Value(found.int64Value(0, 0));
      case BOOL_VALUE -> value.setBoolValue(found.boolValue(0, 0));
      case STRING_VALUE -> value.setStringValue(found.stringValue(0, 0));
      case KIND_NOT_SET -> throw new AssertionError("NONE is 0");
    }
    return value.build();
  }

  @Test
  void eventNanos_readsEveryNineteenDigitTime_atAnyOffset() {
    java.util.Random random = new java.util.Random(7);
    List<Long> times = new ArrayList<>(List.of(0L, 1L, 9L, 10L, 99_999_999L, 100_000_000L, NANOS));
    times.add(Long.MAX_VALUE);
    for (int i = 0; i < 10_000; i++) {
      long t = random.nextLong() & Long.MAX_VALUE;
      times.add(t >>> random.nextInt(63)); // every magnitude
    }
    FeatureValue value = FeatureValue.newBuilder().setInt64Value(3).build();
    for (long t : times) {
      byte[] cell = Cells.encode(t, value);
      byte[] shifted = new byte[cell.length + 5];
      System.arraycopy(cell, 0, shifted, 5, cell.length);
      assertThat(Cells.eventNanos(cell)).as("time %d", t).isEqualTo(t);
      assertThat(Cells.eventNanos(shifted, 5)).as("time %d at 5", t).isEqualTo(t);
    }
  }

  @Test
  void decodeValue_everyKindAtItsEdges_equalsWhatWasEncoded() {
    List<FeatureValue> values = new ArrayList<>();
    for (float f : new float[] {0f, -0.0f, 1.5f, Float.NaN, Float.MIN_VALUE, -Float.MAX_VALUE}) {
      values.add(FeatureValue.newBuilder().setFloatValue(f).build());
    }
    for (double d : new double[] {0d, -0.0d, Math.PI, Double.NaN, Double.NEGATIVE_INFINITY}) {
      values.add(FeatureValue.newBuilder().setDoubleValue(d).build());
    }
    for (long l : new long[] {0, 1, 127, 128, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 62}) {
      values.add(FeatureValue.newBuilder().setInt64Value(l).build());
    }
    values.add(FeatureValue.newBuilder().setBoolValue(true).build());
    values.add(FeatureValue.newBuilder().setBoolValue(false).build());
    values.add(FeatureValue.newBuilder().setStringValue("").build());
    values.add(FeatureValue.newBuilder().setStringValue("Tromsø ✓").build());

    for (FeatureValue value : values) {
      assertThat(decoded(Cells.encode(NANOS, value))).as(value.toString()).isEqualTo(value);
    }
  }

  @Test
  void decodeValue_notTheOneFieldForm_readLikeTheProtobufParserReadsIt() {
    byte[] int64 = Cells.encode(NANOS, FeatureValue.newBuilder().setInt64Value(5).build());
    byte[] bool = Cells.encode(NANOS, FeatureValue.newBuilder().setBoolValue(true).build());
    // Two fields of the oneof one after another: the last one wins.
    byte[] both = Arrays.copyOf(int64, int64.length + bool.length - Cells.TIME_DIGITS);
    System.arraycopy(bool, Cells.TIME_DIGITS, both, int64.length, bool.length - Cells.TIME_DIGITS);

    assertThat(decoded(both)).isEqualTo(FeatureValue.newBuilder().setBoolValue(true).build());
  }

  @Test
  void decodeValue_brokenOrEmptyCells_areAbsent() {
    byte[] empty = Cells.encode(NANOS, FeatureValue.getDefaultInstance());
    byte[] cut = Cells.encode(NANOS, FeatureValue.newBuilder().setInt64Value(-1).build());
    byte[] truncated = Arrays.copyOf(cut, cut.length - 1); // a varint without its last byte

    assertThat(decoded(empty)).isNull();
    assertThat(decoded(truncated)).isNull();
    assertThat(decoded(Arrays.copyOf(cut, 5))).isNull(); // shorter than the event time
  }
}
