package io.canopy.serving.features;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/** RocksDB's form of an entity record: a count, then (feature name, cell) pairs. */
final class RecordCodec {

  private RecordCodec() {}

  static byte[] encode(Map<String, byte[]> cells) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
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

  static Map<String, byte[]> decode(byte[] record) {
    Map<String, byte[]> cells = new HashMap<>();
    if (record == null) {
      return cells;
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(record))) {
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        byte[] cell = new byte[in.readInt()];
        in.readFully(cell);
        cells.put(name, cell);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt feature record", e);
    }
    return cells;
  }
}
