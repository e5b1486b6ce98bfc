package io.canopy.serving.features;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.CommandOutput;
import java.nio.ByteBuffer;

/**
 * The reply to one entity's HMGET or HGETALL, handed to a {@link FeatureBackend.CellSink} as
 * Lettuce decodes it: each field goes from the connection's buffer to the sink through one reused
 * array, with no {@code KeyValue}, list or array per field. Runs on the connection's I/O thread;
 * the reader sees the sink's state once the command completes. Its output is the number of bytes
 * answered (names and values; a field of a feature the view no longer has counts too).
 */
final class RedisCells extends CommandOutput<byte[], byte[], Long> {

  private final int entity;
  private final FeatureNames names;
  private final FeatureBackend.CellSink cells;
  private byte[] scratch = new byte[64];
  private int element;
  private int feature;
  private long answered;

  private RedisCells(int entity, FeatureNames names, FeatureBackend.CellSink cells) {
    super(ByteArrayCodec.INSTANCE, 0L);
    this.entity = entity;
    this.names = names;
    this.cells = cells;
  }

  /** HMGET's reply: the n-th value is the n-th asked-for feature's, nil where not stored. */
  static RedisCells positional(int entity, FeatureBackend.CellSink cells) {
    return new RedisCells(entity, null, cells);
  }

  /** HGETALL's reply: name, value, name, value…; names not in {@code names} are skipped. */
  static RedisCells named(int entity, FeatureNames names, FeatureBackend.CellSink cells) {
    return new RedisCells(entity, names, cells);
  }

  @Override
  public void set(ByteBuffer bytes) {
    int at = element++;
    if (bytes == null) {
      return; // not stored
    }
    int length = copy(bytes);
    answered += length;
    if (names == null) {
      cells.cell(entity, at, scratch, 0, length);
    } else if (at % 2 == 0) {
      feature = names.indexOf(scratch, 0, length);
    } else if (feature >= 0) {
      cells.cell(entity, feature, scratch, 0, length);
    }
  }

  @Override
  public Long get() {
    return answered;
  }

  private int copy(ByteBuffer bytes) {
    int length = bytes.remaining();
    if (scratch.length < length) {
      scratch = new byte[Math.max(length, scratch.length * 2)];
    }
    bytes.get(scratch, 0, length);
    return length;
  }
}
