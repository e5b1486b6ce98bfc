package io.canopy.registry.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.canopy.common.error.CanopyException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The metadata database: a connection pool over a migrated schema, and the two ways to use it (a
 * transaction, or a single autocommit read). Backend specifics stay in the factory methods; the
 * schema and every query are portable SQL.
 */
final class Database implements AutoCloseable {

  /** SQLite result codes that mean "another writer holds the lock": retryable. */
  private static final int SQLITE_BUSY = 5;

  private static final int SQLITE_LOCKED = 6;

  /** PostgreSQL SQLSTATEs: unique violation, serialization failure, deadlock. */
  private static final String UNIQUE_VIOLATION = "23505";

  private static final String SERIALIZATION_FAILURE = "40001";
  private static final String DEADLOCK = "40P01";

  private final HikariDataSource pool;
  private final boolean postgres;
  private final StoreHealth health;

  private Database(HikariDataSource pool, boolean postgres, StoreHealth health) {
    this.pool = pool;
    this.postgres = postgres;
    this.health = health;
  }

  /**
   * Opens (creating if needed) a SQLite database: WAL so readers never wait for the writer;
   * transactions are begun by {@link #sqliteTransaction}.
   */
  static Database sqlite(Path file, StoreHealth health) {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.enforceForeignKeys(true);
    config.setBusyTimeout(10_000);
    SQLiteDataSource sqlite = new SQLiteDataSource(config);
    sqlite.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
    HikariConfig hikari = new HikariConfig();
    hikari.setDataSource(sqlite);
    hikari.setPoolName("registry-sqlite");
    hikari.setMaximumPoolSize(4);
    hikari.setMinimumIdle(1);
    return open(new HikariDataSource(hikari), null, false, health);
  }

  /**
   * Connects to PostgreSQL and keeps every table in {@code schema} (created by the migration if
   * missing), so several registries or test runs can share one database.
   */
  static Database postgres(PostgresSettings settings, StoreHealth health) {
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(settings.url());
    hikari.setUsername(settings.user());
    hikari.setPassword(settings.password());
    hikari.setSchema(settings.schema());
    hikari.setPoolName("registry-postgresql");
    hikari.setMaximumPoolSize(settings.poolSize());
    hikari.setMinimumIdle(1);
    // Fail at startup, naming the setting, rather than on the first request.
    hikari.setInitializationFailTimeout(10_000);
    return open(new HikariDataSource(hikari), settings.schema(), true, health);
  }

  private static Database open(
      HikariDataSource pool, String schema, boolean postgres, StoreHealth health) {
    try {
      migrate(pool, schema);
      return new Database(pool, postgres, health);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  private static void migrate(DataSource dataSource, String schema) {
    var flyway =
        Flyway.configure()
            .dataSource(dataSource)
            .locations("classpath:db/registry")
            .table("schema_history");
    if (schema != null) {
      flyway.schemas(schema).defaultSchema(schema).createSchemas(true);
    }
    flyway.load().migrate();
  }

  /**
   * Runs {@code work} in one write transaction: committed if it returns, rolled back if it throws.
   * It is all or nothing, and the answer says which: an exception means nothing of it was applied.
   */
  <T> T inTransaction(SqlWork<T> work) {
    T result = transaction(work, false);
    health.writeSucceeded();
    return result;
  }

  /**
   * Runs {@code work} in one read-only transaction that sees a single point in time (SQLite's
   * transactions always do; PostgreSQL needs REPEATABLE READ for that).
   */
  <T> T consistentRead(SqlWork<T> work) {
    return transaction(work, true);
  }

  /**
   * SQLite runs BEGIN, COMMIT and ROLLBACK as statements on an autocommit connection. Its JDBC
   * driver's own transactions begin the next transaction inside commit(): when that BEGIN failed
   * (as on a full disk), commit() threw although the commit had happened, and the connection went
   * back to the pool with no transaction, so the next "transaction" ran each statement in
   * autocommit, half-applying it before failing with "cannot commit - no transaction is active".
   */
  private <T> T transaction(SqlWork<T> work, boolean readOnly) {
    try (Connection c = pool.getConnection()) {
      if (postgres) {
        return jdbcTransaction(c, work, readOnly);
      }
      return sqliteTransaction(c, work, readOnly);
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  private static <T> T jdbcTransaction(Connection c, SqlWork<T> work, boolean readOnly)
      throws SQLException {
    c.setAutoCommit(false);
    try {
      if (readOnly) {
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      }
      T result = work.apply(c);
      c.commit();
      return result;
    } catch (SQLException | RuntimeException | Error e) {
      rollback(c, e);
      throw e;
    }
  }

  private <T> T sqliteTransaction(Connection c, SqlWork<T> work, boolean readOnly)
      throws SQLException {
    // IMMEDIATE takes the write lock up front, so two writers queue on the busy timeout instead
    // of deadlocking when both upgrade from a read lock; a read needs no lock.
    execute(c, readOnly ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE");
    boolean committed = false;
    try {
      T result = work.apply(c);
      execute(c, "COMMIT");
      committed = true;
      return result;
    } finally {
      if (!committed) {
        try {
          execute(c, "ROLLBACK");
        } catch (SQLException e) {
          // Usually SQLite rolled back by itself (SQLITE_FULL does); if a transaction is still
          // open, the connection must never reach the next caller.
          if (stillInTransaction(c)) {
            pool.evictConnection(c);
          }
        }
      }
    }
  }

  /** Whether SQLite still has a transaction open on {@code c} (BEGIN fails inside one). */
  private static boolean stillInTransaction(Connection c) {
    try {
      execute(c, "BEGIN DEFERRED");
      execute(c, "ROLLBACK");
      return false;
    } catch (SQLException e) {
      return true;
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** A small real write (the revision counter rewritten with its own value): can we write now? */
  boolean probeWrite() {
    try {
      inTransaction(
          c -> Sql.update(c, "UPDATE counters SET value = value WHERE name = 'revision'"));
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** False while writes fail for lack of space (see {@link StoreHealth}). */
  boolean writable() {
    return health.writable(this::probeWrite);
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

  private RuntimeException translate(SQLException e) {
    if (DiskFull.is(e, postgres)) {
      health.writeFailedForSpace();
      return DiskFull.refusal(e);
    }
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (postgres && UNIQUE_VIOLATION.equals(state)) {
      return new CanopyException.AlreadyExists("it already exists (a concurrent request made it)");
    }
    int code = e.getErrorCode();
    if ((!postgres && (code == SQLITE_BUSY || code == SQLITE_LOCKED))
        || (postgres && (SERIALIZATION_FAILURE.equals(state) || DEADLOCK.equals(state)))) {
      return new CanopyException.Unavailable("the metadata store is busy; retry", e);
    }
    return new StoreException("metadata store failure: " + e.getMessage(), e);
  }

  @Override
  public void close() {
    pool.close();
  }
}
