package io.canopy.registry.store;

import io.canopy.common.digest.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * Artifacts as rows of the metadata database ({@code artifacts} + {@code artifact_chunks}, at most
 * {@link #CHUNK_BYTES} per row): put writes every chunk in one transaction, so readers see a whole
 * artifact or none; reads fetch one chunk at a time.
 */
final class JdbcArtifactStore implements ArtifactStore {

  static final int CHUNK_BYTES = 1 << 20;

  private final Database db;
  private final ReentrantLock lock = new ReentrantLock();

  JdbcArtifactStore(Database db) {
    this.db = db;
  }

  @Override
  public void put(Path source, String sha256) throws IOException {
    check(sha256);
    long size = Files.size(source);
    int chunks = (int) ((size + CHUNK_BYTES - 1) / CHUNK_BYTES);
    lock.lock();
    try (InputStream in = Files.newInputStream(source)) {
      db.inTransaction(
          c -> {
            // The row first: a concurrent put of the same digest waits here, then does nothing.
            if (Sql.update(
                    c,
                    "INSERT INTO artifacts (sha256, size_bytes, chunks) VALUES (?, ?, ?)"
                        + " ON CONFLICT (sha256) DO NOTHING",
                    sha256,
                    size,
                    chunks)
                == 0) {
              return null;
            }
            try (PreparedStatement insert =
                c.prepareStatement(
                    "INSERT INTO artifact_chunks (sha256, seq, data) VALUES (?, ?, ?)")) {
              for (int seq = 0; seq < chunks; seq++) {
                byte[] chunk = in.readNBytes(CHUNK_BYTES);
                insert.setString(1, sha256);
                insert.setInt(2, seq);
                insert.setBytes(3, chunk);
                insert.executeUpdate();
              }
            } catch (IOException e) {
              throw new StoreException("cannot read " + source, e);
            }
            return null;
          });
    } finally {
      lock.unlock();
    }
    Files.deleteIfExists(source);
  }

  @Override
  public Optional<InputStream> open(String sha256) {
    check(sha256);
    Optional<Integer> chunks =
        db.read(
            c ->
                Sql.queryOne(
                    c,
                    "SELECT chunks FROM artifacts WHERE sha256 = ?",
                    rs -> rs.getInt(1),
                    sha256));
    return chunks.map(n -> new ChunkStream(sha256, n));
  }

  @Override
  public void deleteIfUnreferenced(String sha256, Predicate<String> referenced) {
    check(sha256);
    lock.lock();
    try {
      if (!referenced.test(sha256)) {
        db.inTransaction(c -> Sql.update(c, "DELETE FROM artifacts WHERE sha256 = ?", sha256));
      }
    } finally {
      lock.unlock();
    }
  }

  private static void check(String sha256) {
    if (!Sha256.isValidHex(sha256)) {
      throw new IllegalArgumentException("not a lowercase sha256: " + sha256);
    }
  }

  /** Reads an artifact one chunk row at a time. */
  private final class ChunkStream extends InputStream {
    private final String sha256;
    private final int chunks;
    private int next;
    private byte[] current = new byte[0];
    private int pos;

    ChunkStream(String sha256, int chunks) {
      this.sha256 = sha256;
      this.chunks = chunks;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (pos == current.length) {
        if (next == chunks) {
          return -1;
        }
        current = fetch(next++);
        pos = 0;
      }
      int n = Math.min(len, current.length - pos);
      System.arraycopy(current, pos, b, off, n);
      pos += n;
      return n;
    }

    private byte[] fetch(int seq) throws IOException {
      try {
        return db.read(
                c ->
                    Sql.queryOne(
                        c,
                        "SELECT data FROM artifact_chunks WHERE sha256 = ? AND seq = ?",
                        rs -> rs.getBytes(1),
                        sha256,
                        seq))
            .orElseThrow(() -> new IOException("chunk " + seq + " of " + sha256 + " is missing"));
      } catch (StoreException e) {
        throw new IOException("cannot read artifact " + sha256, e);
      }
    }
  }
}
