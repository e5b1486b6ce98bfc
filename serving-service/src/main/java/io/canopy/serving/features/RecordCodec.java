package io.canopy.serving.features;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * RocksDB's form of an entity record. A format version byte comes first, so a reader knows each
 * record's layout without a migration guessing:
 *
 * <ul>
 *   <li>{@link #VERSION} (2, written now): a count, the names block's length, the names block (per
 *       cell a u16 length and the name's UTF-8, names in sorted order), then per cell an int length
 *       and the cell. Records holding the same features carry the same names block byte for byte,
 *       so a read of many entities matches the names once ({@link RecordReader}).
 *   <li>1: a count, then (u16-prefixed name, int length, cell) triples.
 *   <li>Records written before records carried a version start with the count's high byte, always 0
 *       (no entity has 2^24 features), and are read as version 1 without its byte.
 * </ul>
 *
 * Records are rewritten in the current layout when they are next written to.
 */
final class RecordCodec {

  /** The layout {@link #encode} writes. */
  static final byte VERSION = 2;

  /** The layout of version 1: (name, cell) pairs. */
  static final byte PAIRS = 1;

  /** The first byte of a record written before records carried a version. */
  static final byte UNVERSIONED = 0;

  /** Bytes before a version-2 record's names block: version, count, names block length. */
  static final int HEADER_BYTES = 9;

  private RecordCodec() {}

  static byte[] encode(Map<String, byte[]> cells) {
    List<String> names = new ArrayList<>(cells.keySet());
    names.sort(null);
    byte[][] utf8 = new byte[names.size()][];
    int namesBytes = 0;
    int cellBytes = 0;
    for (int i = 0; i < utf8.length; i++) {
      utf8[i] = names.get(i).getBytes(StandardCharsets.UTF_8);
      if (utf8[i].length > 0xffff) {
        throw new UncheckedIOException(
            "feature name too long",
            new IOException("a feature name of " + utf8[i].length + " bytes (at most 65535)"));
      }
      namesBytes += 2 + utf8[i].length;
      cellBytes += 4 + cells.get(names.get(i)).length;
    }
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + namesBytes + cellBytes);
    out.put(VERSION).putInt(utf8.length).putInt(namesBytes);
    for (byte[] name : utf8) {
      out.putShort((short) name.length).put(name);
    }
    for (String name : names) {
      byte[] cell = cells.get(name);
      out.putInt(cell.length).put(cell);
    }
    return out.array();
  }

  /** Where a version 1 (or unversioned) record's count starts; -1 for a version 2 record. */
  static int pairsStart(byte[] record) {
    if (record.length == 0) {
      throw corrupt("empty record");
    }
    return switch (record[0]) {
      case VERSION -> -1;
      case PAIRS -> 1;
      case UNVERSIONED -> 0;
      default ->
          throw new UncheckedIOException(
              "feature record of format " + record[0] + ", newer than this Canopy reads",
              new IOException("unknown record format " + record[0]));
    };
  }

  static int readInt(byte[] bytes, int at) {
    if (at < 0 || bytes.length - at < 4) {
      throw corrupt("a record cut short");
    }
    return ((bytes[at] & 0xff) << 24)
        | ((bytes[at + 1] & 0xff) << 16)
        | ((bytes[at + 2] & 0xff) << 8)
        | (bytes[at + 3] & 0xff);
  }

  static int readShort(byte[] bytes, int at) {
    if (bytes.length - at < 2) {
      throw corrupt("a record cut short");
    }
    return ((bytes[at] & 0xff) << 8) | (bytes[at + 1] & 0xff);
  }

  static UncheckedIOException corrupt(String what) {
    return new UncheckedIOException("corrupt feature record", new IOException(what));
  }

  /**
   * Every cell of {@code record} by name (empty for a missing record), in any layout: a {@link
   * RecordReader} that takes every name.
   */
  static Map<String, byte[]> decode(byte[] record) {
    Map<String, byte[]> cells = new HashMap<>();
    if (record == null) {
      return cells;
    }
    List<String> names = new ArrayList<>();
    RecordReader every =
        new RecordReader(
            (bytes, from, length) -> {
              names.add(new String(bytes, from, length, StandardCharsets.UTF_8));
              return names.size() - 1;
            });
    every.forEachCell(
        record,
        0,
        (entity, name, bytes, offset, length) ->
            cells.put(names.get(name), Arrays.copyOfRange(bytes, offset, offset + length)));
    return cells;
  }

  /** {@code length}, if {@code bytes[from, from + length)} lies within the record. */
  static int checked(byte[] bytes, int from, int length) {
    if (length < 0 || from > bytes.length || length > bytes.length - from) {
      throw corrupt("a field of " + length + " bytes");
    }
    return length;
  }
}
