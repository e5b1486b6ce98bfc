package io.canopy.registry.store;

import io.canopy.common.error.CanopyException;
import java.io.IOException;
import java.sql.SQLException;

/**
 * Recognizes "no space left" from SQLite, PostgreSQL and the file system, and says it to the
 * caller: RESOURCE_EXHAUSTED, nothing was changed, free space and retry.
 */
public final class DiskFull {

  /** SQLite's SQLITE_FULL, and SQLITE_IOERR (what a write to a full file system often gives). */
  private static final int SQLITE_FULL = 13;

  private static final int SQLITE_IOERR = 10;

  /** PostgreSQL's class 53 (insufficient resources): disk_full 53100, out_of_memory 53200. */
  private static final String POSTGRES_DISK_FULL = "53100";

  private DiskFull() {}

  static boolean is(SQLException e, boolean postgres) {
    if (postgres) {
      return POSTGRES_DISK_FULL.equals(e.getSQLState());
    }
    int code = e.getErrorCode() & 0xff; // the primary code of an extended one
    return code == SQLITE_FULL || code == SQLITE_IOERR;
  }

  /** True when {@code e} (or a cause) is the file system's "no space left" / "quota exceeded". */
  public static boolean is(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null
          && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
        return true;
      }
    }
    return false;
  }

  /** The error a client gets: nothing of its request was applied. */
  public static CanopyException refusal(Throwable cause) {
    return new CanopyException.ResourceExhausted(
        "the registry's storage is full: nothing was changed; free space and retry", cause);
  }
}
