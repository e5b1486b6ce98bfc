package io.canopy.serving.features;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * RocksDB's form of an entity record: a format version byte, a count, then (feature name, cell)
 * pairs. The version byte lets the format change later without a migration guessing: a reader knows
 * each record's layout. Records written before it existed start with the count's high byte, always
 * 0 (no entity has 2^24 features), and are read as they were written.
 */
final class RecordCodec {

  /** The layout {@link #encode} writes. */
  static final byte VERSION = 1;

  /** The first byte of a record written before records carried a version. */
  private static final byte UNVERSIONED = 0;

  private RecordCodec() {}

  static byte[] encode(Map<String, byte[]> cells) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeInt(cells.size());
      for (Map.Entry<String, byte[]> cell : cells.entrySet()) {
        out.writeUTF(cell.getKey());
        out.writeInt(cell.getValue().length);
        out.write(cell.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Hands the cells of {@code names} in {@code record} to {@code cells} as entity {@code entity},
   * straight from the record's bytes (no map, no copies): a read of many entities walks many
   * records.
   */
  static void forEachCell(
      byte[] record, FeatureNames names, int entity, FeatureBackend.CellSink cells) {
    int at = start(record);
    int count = readInt(record, at);
    at += 4;
    if (count < 0 || count > record.length - at) {
      throw corrupt("a count of " + count);
    }
    for (int i = 0; i < count; i++) {
      if (record.length - at < 2) {
        throw corrupt("a record cut short");
      }
      int nameLength = ((record[at] & 0xff) << 8) | (record[at + 1] & 0xff);
      int name = at + 2;
      at = name + nameLength;
      if (record.length - at < 4) {
        throw corrupt("a record cut short");
      }
      int cellLength = readInt(record, at);
      at += 4;
      if (cellLength < 0 || cellLength > record.length - at) {
        throw corrupt("a cell of " + cellLength + " bytes");
      }
      int feature = names.indexOf(record, name, nameLength);
      if (feature >= 0) {
        cells.cell(entity, feature, record, at, cellLength);
      }
      at += cellLength;
    }
  }

  /** Where a record's count starts, after its version byte if it has one. */
  private static int start(byte[] record) {
    if (record.length == 0) {
      throw corrupt("empty record");
    }
    return switch (record[0]) {
      case VERSION -> 1;
      case UNVERSIONED -> 0;
      default ->
          throw new UncheckedIOException(
              "feature record of format " + record[0] + ", newer than this Canopy reads",
              new IOException("unknown record format " + record[0]));
    };
  }

  private static int readInt(byte[] bytes, int at) {
    if (bytes.length - at < 4) {
      throw corrupt("a record cut short");
    }
    return ((bytes[at] & 0xff) << 24)
        | ((bytes[at + 1] & 0xff) << 16)
        | ((bytes[at + 2] & 0xff) << 8)
        | (bytes[at + 3] & 0xff);
  }

  private static UncheckedIOException corrupt(String what) {
    return new UncheckedIOException("corrupt feature record", new IOException(what));
  }

  static Map<String, byte[]> decode(byte[] record) {
    Map<String, byte[]> cells = new HashMap<>();
    if (record == null) {
      return cells;
    }
    int offset = start(record);
    // Read by hand (what DataOutputStream wrote: a big-endian int count, then per cell a u16
    // length-prefixed name — modified UTF-8, the same bytes as UTF-8 for the names views allow —
    // a big-endian int length and the cell): a read of many entities decodes many records.
    ByteBuffer in = ByteBuffer.wrap(record, offset, record.length - offset);
    try {
      int count = in.getInt();
      if (count < 0 || count > in.remaining()) {
        throw new UncheckedIOException(
            "corrupt feature record", new IOException("a count of " + count));
      }
      cells = new HashMap<>(Math.max(16, count * 2));
      for (int i = 0; i < count; i++) {
        int nameLength = Short.toUnsignedInt(in.getShort());
        String name = new String(record, in.position(), nameLength, StandardCharsets.UTF_8);
        in.position(in.position() + nameLength);
        int cellLength = in.getInt();
        if (cellLength < 0 || cellLength > in.remaining()) {
          throw new UncheckedIOException(
              "corrupt feature record", new IOException("a cell of " + cellLength + " bytes"));
        }
        byte[] cell = new byte[cellLength];
        in.get(cell);
        cells.put(name, cell);
      }
    } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
      throw new UncheckedIOException("corrupt feature record", new IOException(e));
    }
    return cells;
  }
}
