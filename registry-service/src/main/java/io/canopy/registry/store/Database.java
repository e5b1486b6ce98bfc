package io.canopy.registry.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.canopy.common.error.CanopyException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The metadata database: a connection pool over a migrated schema, and the two ways to use it
 * (a transaction, or a single autocommit read). Backend specifics stay in the factory methods;
 * the schema and every query are portable SQL.
 */
final class Database implements AutoCloseable {

  /** SQLite result codes that mean "another writer holds the lock": retryable. */
  private static final int SQLITE_BUSY = 5;

  private static final int SQLITE_LOCKED = 6;

  private final HikariDataSource pool;

  private Database(HikariDataSource pool) {
    this.pool = pool;
  }

  /**
   * Opens (creating if needed) a SQLite database: WAL so readers never wait for the writer,
   * IMMEDIATE transactions so two writers queue on the busy timeout instead of deadlocking when
   * both upgrade from a read lock.
   */
  static Database sqlite(Path file) {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.enforceForeignKeys(true);
    config.setBusyTimeout(10_000);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    SQLiteDataSource sqlite = new SQLiteDataSource(config);
    sqlite.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
    HikariConfig hikari = new HikariConfig();
    hikari.setDataSource(sqlite);
    hikari.setPoolName("registry-sqlite");
    hikari.setMaximumPoolSize(4);
    hikari.setMinimumIdle(1);
    return open(new HikariDataSource(hikari));
  }

  private static Database open(HikariDataSource pool) {
    try {
      migrate(pool);
      return new Database(pool);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  private static void migrate(DataSource dataSource) {
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/registry")
        .table("schema_history")
        .load()
        .migrate();
  }

  /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
  <T> T inTransaction(SqlWork<T> work) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.apply(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        rollback(c, e);
        throw e;
      }
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  /** Runs a read in autocommit mode (each statement sees the latest committed state). */
  <T> T read(SqlWork<T> work) {
    try (Connection c = pool.getConnection()) {
      return work.apply(c);
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  boolean isOpen() {
    return !pool.isClosed();
  }

  private static void rollback(Connection c, Throwable cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private static RuntimeException translate(SQLException e) {
    int code = e.getErrorCode();
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
      return new CanopyException.Unavailable("the metadata store is busy; retry", e);
    }
    return new StoreException("metadata store failure: " + e.getMessage(), e);
  }

  @Override
  public void close() {
    pool.close();
  }
}
