package io.canopy.serving.features;

import io.canopy.proto.features.v1.FeatureValue;

/**
 * The cells one lookup found, decoded once per distinct entity into primitive arrays: per (entity,
 * feature) the stored value's kind, its event time and its value. An answer is built from these in
 * either layout, so both layouts say the same; no message is made per value unless the answer is
 * one.
 */
final class FoundCells implements FeatureBackend.CellSink {

  /** What {@link #kind} holds where nothing usable is stored. */
  static final byte NONE = 0;

  private final int features;
  private final int[] multiplicity;
  private final byte[] kinds;
  private final long[] nanos;
  private final long[] bits;
  private final long[] entityBytes;
  private String[] strings;
  private long cellBytes;

  /**
   * @param multiplicity per feature, how many columns of the answer show it (a feature may be asked
   *     for twice): its bytes count that often against the response budget
   */
  FoundCells(int entities, int[] multiplicity) {
    this.features = multiplicity.length;
    this.multiplicity = multiplicity;
    int cells = entities * features;
    kinds = new byte[cells];
    nanos = new long[cells];
    bits = new long[cells];
    entityBytes = new long[entities];
  }

  /** Parses a stored cell ({@link Cells}); one that does not parse counts as absent. */
  @Override
  public void cell(int entity, int feature, byte[] bytes, int offset, int length) {
    int at = entity * features + feature;
    long counted = (long) length * multiplicity[feature];
    entityBytes[entity] += counted;
    cellBytes += counted;
    if (length < Cells.TIME_DIGITS) {
      return;
    }
    int kind =
        Cells.decodeValue(bytes, offset + Cells.TIME_DIGITS, length - Cells.TIME_DIGITS, this, at);
    if (kind != NONE) {
      kinds[at] = (byte) kind;
      nanos[at] = Cells.eventNanos(bytes, offset);
    }
  }

  /** Stores a fixed-size value (raw float or double bits, an int64, a bool as 0/1). */
  void fixed(int at, long value) {
    bits[at] = value;
  }

  void string(int at, String value) {
    if (strings == null) {
      strings = new String[kinds.length];
    }
    strings[at] = value;
  }

  /** The stored value's {@link FeatureValue.KindCase} number, {@link #NONE} where absent. */
  int kind(int entity, int feature) {
    return kinds[entity * features + feature];
  }

  long eventNanos(int entity, int feature) {
    return nanos[entity * features + feature];
  }

  float floatValue(int entity, int feature) {
    return Float.intBitsToFloat((int) bits[entity * features + feature]);
  }

  double doubleValue(int entity, int feature) {
    return Double.longBitsToDouble(bits[entity * features + feature]);
  }

  long int64Value(int entity, int feature) {
    return bits[entity * features + feature];
  }

  boolean boolValue(int entity, int feature) {
    return bits[entity * features + feature] != 0;
  }

  String stringValue(int entity, int feature) {
    return strings[entity * features + feature];
  }

  /** Stored bytes found for one entity (each counted as often as it is asked for). */
  long entityBytes(int entity) {
    return entityBytes[entity];
  }

  /** Stored bytes found so far. */
  long cellBytes() {
    return cellBytes;
  }
}
