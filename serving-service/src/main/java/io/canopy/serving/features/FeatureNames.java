package io.canopy.serving.features;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The feature names one read asks for, found by their UTF-8 bytes: a stored record's names are
 * matched without making a String of each.
 */
final class FeatureNames implements RecordReader.NameIndex {

  private final byte[][] names;
  private final int[] slots; // open addressing: feature index + 1, 0 = empty
  private final int mask;

  /** {@code names} must be distinct. */
  FeatureNames(List<String> names) {
    this.names = new byte[names.size()][];
    int size = Integer.highestOneBit(Math.max(4, names.size() * 4 - 1)) << 1;
    slots = new int[size];
    mask = size - 1;
    for (int i = 0; i < names.size(); i++) {
      byte[] name = names.get(i).getBytes(StandardCharsets.UTF_8);
      this.names[i] = name;
      int slot = hash(name, 0, name.length) & mask;
      while (slots[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      slots[slot] = i + 1;
    }
  }

  int size() {
    return names.length;
  }

  byte[] utf8(int index) {
    return names[index];
  }

  /** The index of the name held in {@code bytes[from, from + length)}, or -1. */
  @Override
  public int indexOf(byte[] bytes, int from, int length) {
    int slot = hash(bytes, from, length) & mask;
    for (int entry; (entry = slots[slot]) != 0; slot = (slot + 1) & mask) {
      byte[] name = names[entry - 1];
      if (Arrays.equals(name, 0, name.length, bytes, from, from + length)) {
        return entry - 1;
      }
    }
    return -1;
  }

  private static int hash(byte[] bytes, int from, int length) {
    int h = length;
    for (int i = from; i < from + length; i++) {
      h = 31 * h + bytes[i];
    }
    return h ^ (h >>> 16);
  }
}
