package io.canopy.serving.features;

import java.util.Arrays;

/**
 * Walks the records of one read — the one place that walks a record's layouts — handing the cells
 * of the asked-for features to a {@link FeatureBackend.CellSink} straight from each record's bytes
 * (no map, no copies). A version-2 record whose names block equals the last one's reuses its name
 * matches: the records of one view usually hold the same features, so a read of many entities
 * matches names once, not once a cell.
 */
final class RecordReader {

  /** Which feature, if any, a stored name is: its index, or -1 for one not asked for. */
  @FunctionalInterface
  interface NameIndex {
    int indexOf(byte[] bytes, int from, int length);
  }

  private final NameIndex names;
  private byte[] lastNames = new byte[0];
  private int[] lastFeatures;

  RecordReader(NameIndex names) {
    this.names = names;
  }

  /**
   * Hands the cells of the asked-for features in {@code record} to {@code cells} as {@code entity}.
   */
  void forEachCell(byte[] record, int entity, FeatureBackend.CellSink cells) {
    int pairs = RecordCodec.pairsStart(record);
    if (pairs >= 0) {
      forEachPair(record, pairs, entity, cells);
      return;
    }
    int count = RecordCodec.readInt(record, 1);
    int namesLength = RecordCodec.readInt(record, 5);
    int from = RecordCodec.HEADER_BYTES;
    RecordCodec.checked(record, from, namesLength);
    if (count < 0 || count > namesLength / 2) {
      throw RecordCodec.corrupt("a count of " + count);
    }
    int[] features = features(record, from, namesLength, count);
    int at = from + namesLength;
    for (int i = 0; i < count; i++) {
      int cellLength = RecordCodec.readInt(record, at);
      at += 4;
      RecordCodec.checked(record, at, cellLength);
      if (features[i] >= 0) {
        cells.cell(entity, features[i], record, at, cellLength);
      }
      at += cellLength;
    }
  }

  /** Per cell of a version-2 record, the asked-for feature it holds or -1. */
  private int[] features(byte[] record, int from, int length, int count) {
    if (lastFeatures != null
        && lastFeatures.length == count
        && Arrays.equals(lastNames, 0, lastNames.length, record, from, from + length)) {
      return lastFeatures;
    }
    int[] features = new int[count];
    int at = from;
    for (int i = 0; i < count; i++) {
      int nameLength = RecordCodec.readShort(record, at);
      at += 2;
      if (nameLength > from + length - at) {
        throw RecordCodec.corrupt("a name past the names block");
      }
      features[i] = names.indexOf(record, at, nameLength);
      at += nameLength;
    }
    if (at != from + length) {
      throw RecordCodec.corrupt("a names block of " + length + " bytes holding " + (at - from));
    }
    lastNames = Arrays.copyOfRange(record, from, from + length);
    lastFeatures = features;
    return features;
  }

  /** A version-1 or unversioned record: (name, cell) pairs from {@code at}. */
  private void forEachPair(byte[] record, int at, int entity, FeatureBackend.CellSink cells) {
    int count = RecordCodec.readInt(record, at);
    at += 4;
    if (count < 0 || count > record.length - at) {
      throw RecordCodec.corrupt("a count of " + count);
    }
    for (int i = 0; i < count; i++) {
      int nameLength = RecordCodec.readShort(record, at);
      int name = at + 2;
      at = name + RecordCodec.checked(record, name, nameLength);
      int cellLength = RecordCodec.readInt(record, at);
      at += 4;
      RecordCodec.checked(record, at, cellLength);
      int feature = names.indexOf(record, name, nameLength);
      if (feature >= 0) {
        cells.cell(entity, feature, record, at, cellLength);
      }
      at += cellLength;
    }
  }
}
