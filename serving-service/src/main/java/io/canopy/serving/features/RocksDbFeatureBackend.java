package io.canopy.serving.features;

import com.google.protobuf.InvalidProtocolBufferException;
import io.canopy.proto.features.v1.FeatureView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Features in an embedded RocksDB: views under {@code v/<name>}, records under {@code
 * r/<view>/<entity>}. Durable across restarts; one process only (RocksDB locks its directory).
 * Upserts are read-modify-write under one lock, so a merge never loses a concurrent write.
 */
final class RocksDbFeatureBackend implements FeatureBackend {

  private final Options options;
  private final RocksDB db;
  private final ReentrantLock writeLock = new ReentrantLock();

  RocksDbFeatureBackend(Path path) {
    RocksDB.loadLibrary();
    try {
      Files.createDirectories(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create serving.features.rocksdb.path " + path, e);
    }
    options = new Options().setCreateIfMissing(true);
    try {
      db = RocksDB.open(options, path.toString());
    } catch (RocksDBException e) {
      options.close();
      throw new IllegalStateException("cannot open RocksDB at " + path + ": " + e.getMessage(), e);
    }
  }

  private static byte[] viewKey(String name) {
    return ("v/" + name).getBytes(StandardCharsets.UTF_8);
  }

  /** {@code r/<view>/}: what every record key of the view starts with. */
  private static byte[] recordPrefix(String view) {
    return ("r/" + view + "/").getBytes(StandardCharsets.UTF_8);
  }

  /** {@code r/<view>/<entity>}, from the view's {@link #recordPrefix}. */
  private static byte[] recordKey(byte[] prefix, String entity) {
    byte[] name = entity.getBytes(StandardCharsets.UTF_8);
    byte[] key = Arrays.copyOf(prefix, prefix.length + name.length);
    System.arraycopy(name, 0, key, prefix.length, name.length);
    return key;
  }

  @Override
  public Optional<FeatureView> readView(String name) {
    try {
      byte[] bytes = db.get(viewKey(name));
      return bytes == null ? Optional.empty() : Optional.of(FeatureView.parseFrom(bytes));
    } catch (RocksDBException | InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot read feature view " + name, e);
    }
  }

  @Override
  public List<FeatureView> readViews() {
    List<FeatureView> views = new ArrayList<>();
    byte[] prefix = "v/".getBytes(StandardCharsets.UTF_8);
    try (RocksIterator it = db.newIterator()) {
      for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
        views.add(FeatureView.parseFrom(it.value()));
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt feature view", e);
    }
    return views;
  }

  private static boolean startsWith(byte[] key, byte[] prefix) {
    if (key.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (key[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void writeView(FeatureView view) {
    try {
      db.put(viewKey(view.getName()), view.toByteArray());
    } catch (RocksDBException e) {
      throw new IllegalStateException("cannot store feature view " + view.getName(), e);
    }
  }

  @Override
  public void deleteView(String name) {
    // '0' follows '/', so [r/<view>/, r/<view>0) is exactly the view's records.
    byte[] from = recordPrefix(name);
    byte[] to = ("r/" + name + "0").getBytes(StandardCharsets.UTF_8);
    writeLock.lock();
    try {
      db.delete(viewKey(name));
      db.deleteRange(from, to);
    } catch (RocksDBException e) {
      throw new IllegalStateException("cannot delete feature view " + name, e);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public boolean readsWholeRecords(boolean everyFeature) {
    return true;
  }

  @Override
  public long read(
      String view,
      List<String> entityKeys,
      List<String> features,
      boolean everyFeature,
      CellSink cells) {
    // A record is read whole whatever is asked for: everyFeature changes nothing here.
    byte[] prefix = recordPrefix(view);
    List<byte[]> keys = new ArrayList<>(entityKeys.size());
    for (String entity : entityKeys) {
      keys.add(recordKey(prefix, entity));
    }
    List<byte[]> records;
    try {
      records = db.multiGetAsList(keys);
    } catch (RocksDBException e) {
      throw new IllegalStateException("cannot read features of " + view, e);
    }
    RecordReader reader = new RecordReader(new FeatureNames(features));
    long fetched = 0;
    for (int e = 0; e < records.size(); e++) {
      byte[] record = records.get(e);
      if (record != null) {
        fetched += record.length;
        reader.forEachCell(record, e, cells);
      }
    }
    return fetched;
  }

  @Override
  public int[] upsert(String view, List<String> entityKeys, List<Map<String, byte[]>> cells) {
    int[] stored = new int[entityKeys.size()];
    byte[] prefix = recordPrefix(view);
    writeLock.lock();
    try (WriteBatch batch = new WriteBatch();
        WriteOptions write = new WriteOptions()) {
      // Rows of one batch may repeat an entity: merge them in memory before writing.
      Map<String, Map<String, byte[]>> merged = new java.util.HashMap<>();
      for (int i = 0; i < entityKeys.size(); i++) {
        String entity = entityKeys.get(i);
        Map<String, byte[]> record = merged.get(entity);
        if (record == null) {
          record = RecordCodec.decode(db.get(recordKey(prefix, entity)));
          merged.put(entity, record);
        }
        for (Map.Entry<String, byte[]> cell : cells.get(i).entrySet()) {
          byte[] old = record.get(cell.getKey());
          if (old == null || Cells.eventNanos(old) <= Cells.eventNanos(cell.getValue())) {
            record.put(cell.getKey(), cell.getValue());
            stored[i]++;
          }
        }
      }
      for (Map.Entry<String, Map<String, byte[]>> record : merged.entrySet()) {
        batch.put(recordKey(prefix, record.getKey()), RecordCodec.encode(record.getValue()));
      }
      db.write(write, batch);
    } catch (RocksDBException e) {
      throw new IllegalStateException("cannot write features of " + view, e);
    } finally {
      writeLock.unlock();
    }
    return stored;
  }

  @Override
  public void close() {
    writeLock.lock();
    try {
      db.close();
      options.close();
    } finally {
      writeLock.unlock();
    }
  }
}
