package io.canopy.monitor.store;

import com.google.protobuf.InvalidProtocolBufferException;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.canopy.proto.monitor.v1.Outcome;
import io.canopy.proto.monitor.v1.OutcomeRecord;
import io.canopy.proto.monitor.v1.PredictionRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Prediction records and outcomes in SQL (SQLite or PostgreSQL, one portable schema): written in
 * batches by the record log, joined by the monitor. A record or outcome written twice counts once
 * (a prediction's first write wins; an outcome's last).
 */
public final class MonitorStore implements AutoCloseable {

  private final HikariDataSource pool;
  private final boolean postgres;

  private MonitorStore(HikariDataSource pool, boolean postgres) {
    this.pool = pool;
    this.postgres = postgres;
  }

  /**
   * Opens (creating and migrating if needed) the store. A new SQLite file is made readable by the
   * service's user only, in a directory only that user can enter (the records hold model inputs).
   */
  public static MonitorStore open(StoreSettings settings) {
    HikariConfig hikari = new HikariConfig();
    hikari.setMinimumIdle(1);
    boolean postgres = settings.postgresUrl() != null;
    if (postgres) {
      hikari.setJdbcUrl(settings.postgresUrl());
      hikari.setUsername(settings.user());
      hikari.setPassword(settings.password());
      hikari.setSchema(settings.schema());
      hikari.setPoolName("monitor-postgresql");
      hikari.setMaximumPoolSize(4);
      hikari.setInitializationFailTimeout(10_000);
    } else {
      createPrivately(settings.sqliteFile());
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
      config.setBusyTimeout(10_000);
      SQLiteDataSource sqlite = new SQLiteDataSource(config);
      sqlite.setUrl("jdbc:sqlite:" + settings.sqliteFile().toAbsolutePath());
      hikari.setDataSource(sqlite);
      hikari.setPoolName("monitor-sqlite");
      hikari.setMaximumPoolSize(3);
    }
    HikariDataSource pool = new HikariDataSource(hikari);
    try {
      var flyway =
          Flyway.configure()
              .dataSource(pool)
              .locations("classpath:db/monitor")
              .table("monitor_schema_history");
      if (postgres) {
        flyway.schemas(settings.schema()).defaultSchema(settings.schema()).createSchemas(true);
      }
      flyway.load().migrate();
      return new MonitorStore(pool, postgres);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  private static void createPrivately(Path file) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      if (!Files.exists(file)) {
        // SQLite gives its -wal and -shm files the database file's permissions.
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the record store " + file, e);
    }
  }

  /** Adds records; one already stored under the same key is left as it was. */
  public void addPredictions(List<PredictionRecord> records) {
    write(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO predictions"
                      + " (model, request_id, row_index, version, predicted_at, record)"
                      + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (PredictionRecord r : records) {
              s.setString(1, r.getModel());
              s.setString(2, r.getRequestId());
              s.setInt(3, r.getRow());
              s.setLong(4, r.getVersion());
              s.setLong(5, Times.millis(r.getTime()));
              s.setBytes(6, r.toByteArray());
              s.addBatch();
            }
            s.executeBatch();
          }
        });
  }

  /** Adds outcomes; one for a row that already has an outcome replaces it. */
  public void addOutcomes(List<OutcomeRecord> outcomes) {
    write(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO outcomes"
                      + " (model, request_id, row_index, label, observed, observed_at, received_at)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?)"
                      + " ON CONFLICT (model, request_id, row_index) DO UPDATE SET"
                      + " label = excluded.label, observed = excluded.observed,"
                      + " observed_at = excluded.observed_at, received_at = excluded.received_at")) {
            for (OutcomeRecord r : outcomes) {
              Outcome o = r.getOutcome();
              s.setString(1, r.getModel());
              s.setString(2, o.getRequestId());
              s.setInt(3, o.getRow());
              if (o.getObservedCase() == Outcome.ObservedCase.LABEL) {
                s.setLong(4, o.getLabel());
                s.setNull(5, Types.DOUBLE);
              } else {
                s.setNull(4, Types.BIGINT);
                s.setDouble(5, o.getValue());
              }
              s.setLong(6, Times.millis(o.getTime()));
              s.setLong(7, Times.millis(r.getReceivedTime()));
              s.addBatch();
            }
            s.executeBatch();
          }
        });
  }

  /** Versions of {@code model} with predictions in [from, to), newest first. */
  public List<Long> versions(String model, long fromMillis, long toMillis) {
    return read(
        c -> {
          List<Long> versions = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT DISTINCT version FROM predictions"
                      + " WHERE model = ? AND predicted_at >= ? AND predicted_at < ?"
                      + " ORDER BY version DESC")) {
            s.setString(1, model);
            s.setLong(2, fromMillis);
            s.setLong(3, toMillis);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                versions.add(rs.getLong(1));
              }
            }
          }
          return versions;
        });
  }

  /** Models with predictions in [from, to), by name, at most {@code limit}. */
  public List<String> models(long fromMillis, long toMillis, int limit) {
    return read(
        c -> {
          List<String> models = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT DISTINCT model FROM predictions"
                      + " WHERE predicted_at >= ? AND predicted_at < ? ORDER BY model LIMIT ?")) {
            s.setLong(1, fromMillis);
            s.setLong(2, toMillis);
            s.setInt(3, limit);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                models.add(rs.getString(1));
              }
            }
          }
          return models;
        });
  }

  /** Whether any prediction of {@code model} is stored. */
  public boolean hasModel(String model) {
    return read(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement("SELECT 1 FROM predictions WHERE model = ? LIMIT 1")) {
            s.setString(1, model);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next();
            }
          }
        });
  }

  /**
   * Each prediction of {@code version} made in [from, to), with its outcome when one was observed
   * no later than {@code joinWindowMillis} after the prediction; at most about {@code maxRows} of
   * them (see {@link Scan}).
   */
  public Scan joined(
      String model,
      long version,
      long fromMillis,
      long toMillis,
      long joinWindowMillis,
      long maxRows,
      Consumer<Joined> each) {
    return window(
        "SELECT p.request_id, p.record, o.label, o.observed, o.request_id"
            + " FROM predictions p LEFT JOIN outcomes o ON o.model = p.model"
            + " AND o.request_id = p.request_id AND o.row_index = p.row_index"
            + " AND o.observed_at <= p.predicted_at + ?",
        OptionalLong.of(joinWindowMillis),
        model,
        version,
        fromMillis,
        toMillis,
        maxRows,
        rs -> {
          PredictionRecord record = parse(rs.getBytes(2));
          boolean hasOutcome = rs.getString(5) != null;
          long label = rs.getLong(3);
          boolean isLabel = !rs.wasNull();
          double observed = rs.getDouble(4);
          Joined.Observed outcome =
              !hasOutcome
                  ? null
                  : isLabel
                      ? new Joined.Observed(true, label, Double.NaN)
                      : new Joined.Observed(false, 0, observed);
          each.accept(new Joined(record, outcome));
        });
  }

  /**
   * Predictions of {@code version} made in [from, to), in no particular order; at most about {@code
   * maxRows} of them (see {@link Scan}).
   */
  public Scan sampled(
      String model,
      long version,
      long fromMillis,
      long toMillis,
      long maxRows,
      Consumer<PredictionRecord> each) {
    return window(
        "SELECT p.request_id, p.record FROM predictions p",
        OptionalLong.empty(),
        model,
        version,
        fromMillis,
        toMillis,
        maxRows,
        rs -> each.accept(parse(rs.getBytes(2))));
  }

  @FunctionalInterface
  private interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  /**
   * The one windowed read: {@code selectFrom} (its first two columns the request id and the record,
   * {@code p} the predictions; its one parameter, when it has one, {@code parameter}) over the
   * version's rows in [from, to), each row the {@link Scan} keeps handed to {@code reader}; the
   * others are never parsed.
   */
  private Scan window(
      String selectFrom,
      OptionalLong parameter,
      String model,
      long version,
      long fromMillis,
      long toMillis,
      long maxRows,
      RowReader reader) {
    String sql =
        selectFrom
            + " WHERE p.model = ? AND p.version = ? AND p.predicted_at >= ? AND p.predicted_at < ?";
    return read(
        c -> {
          Scan scan = scan(c, model, version, fromMillis, toMillis, maxRows);
          try (PreparedStatement s = c.prepareStatement(sql)) {
            int i = 1;
            if (parameter.isPresent()) {
              s.setLong(i++, parameter.getAsLong());
            }
            s.setString(i++, model);
            s.setLong(i++, version);
            s.setLong(i++, fromMillis);
            s.setLong(i, toMillis);
            s.setFetchSize(1000);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                if (scan.keeps(rs.getString(1))) { // a row left out is never parsed
                  reader.read(rs);
                }
              }
            }
          }
          return scan;
        });
  }

  /** The window's row count, and the share of its rows a read of at most maxRows keeps. */
  private static Scan scan(
      Connection c, String model, long version, long fromMillis, long toMillis, long maxRows)
      throws SQLException {
    if (maxRows <= 0) {
      throw new IllegalArgumentException("maxRows must be > 0, was " + maxRows);
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT COUNT(*) FROM predictions WHERE model = ? AND version = ?"
                + " AND predicted_at >= ? AND predicted_at < ?")) {
      s.setString(1, model);
      s.setLong(2, version);
      s.setLong(3, fromMillis);
      s.setLong(4, toMillis);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        long rows = rs.getLong(1);
        return new Scan(rows, rows <= maxRows ? 1 : (double) maxRows / rows);
      }
    }
  }

  /** The earliest prediction time of {@code version}, if it has any stored. */
  public OptionalLong earliest(String model, long version) {
    return read(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT MIN(predicted_at) FROM predictions WHERE model = ? AND version = ?")) {
            s.setString(1, model);
            s.setLong(2, version);
            try (ResultSet rs = s.executeQuery()) {
              rs.next();
              long millis = rs.getLong(1);
              return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(millis);
            }
          }
        });
  }

  /**
   * Predictions of {@code version} made in [from, to), oldest first, at most {@code limit} of them.
   */
  public void predictions(
      String model,
      long version,
      long fromMillis,
      long toMillis,
      long limit,
      Consumer<PredictionRecord> each) {
    read(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT record FROM predictions WHERE model = ? AND version = ?"
                      + " AND predicted_at >= ? AND predicted_at < ?"
                      + " ORDER BY predicted_at, request_id, row_index LIMIT ?")) {
            s.setString(1, model);
            s.setLong(2, version);
            s.setLong(3, fromMillis);
            s.setLong(4, toMillis);
            s.setLong(5, limit);
            s.setFetchSize(1000);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                each.accept(parse(rs.getBytes(1)));
              }
            }
          }
          return null;
        });
  }

  /** Outcomes of {@code model} received in [from, to) whose row has no stored prediction. */
  public long unmatchedOutcomes(String model, long fromMillis, long toMillis) {
    return read(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT COUNT(*) FROM outcomes o WHERE o.model = ?"
                      + " AND o.received_at >= ? AND o.received_at < ?"
                      + " AND NOT EXISTS (SELECT 1 FROM predictions p WHERE p.model = o.model"
                      + " AND p.request_id = o.request_id AND p.row_index = o.row_index)")) {
            s.setString(1, model);
            s.setLong(2, fromMillis);
            s.setLong(3, toMillis);
            try (ResultSet rs = s.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
  }

  /**
   * Deletes predictions made and outcomes received before {@code beforeMillis} — or, for a model in
   * {@code modelsBefore}, before its own time — then the oldest predictions beyond {@code
   * maxPredictions}. Returns the predictions deleted.
   */
  public long prune(long beforeMillis, Map<String, Long> modelsBefore, long maxPredictions) {
    return write(
        c -> {
          long deleted = 0;
          for (var model : modelsBefore.entrySet()) {
            for (String sql :
                List.of(
                    "DELETE FROM predictions WHERE model = ? AND predicted_at < ?",
                    "DELETE FROM outcomes WHERE model = ? AND received_at < ?")) {
              try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, model.getKey());
                s.setLong(2, model.getValue());
                int rows = s.executeUpdate();
                deleted += sql.contains("predictions") ? rows : 0;
              }
            }
          }
          // Every other model: the common retention.
          String others =
              modelsBefore.isEmpty()
                  ? ""
                  : " AND model NOT IN ("
                      + String.join(", ", java.util.Collections.nCopies(modelsBefore.size(), "?"))
                      + ")";
          for (String sql :
              List.of(
                  "DELETE FROM predictions WHERE predicted_at < ?" + others,
                  "DELETE FROM outcomes WHERE received_at < ?" + others)) {
            try (PreparedStatement s = c.prepareStatement(sql)) {
              s.setLong(1, beforeMillis);
              int i = 2;
              for (String model : modelsBefore.keySet()) {
                s.setString(i++, model);
              }
              int rows = s.executeUpdate();
              deleted += sql.contains("predictions") ? rows : 0;
            }
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "DELETE FROM predictions WHERE predicted_at <"
                      + " (SELECT predicted_at FROM predictions ORDER BY predicted_at DESC"
                      + " LIMIT 1 OFFSET ?)")) {
            s.setLong(1, maxPredictions - 1);
            deleted += s.executeUpdate();
          }
          return deleted;
        });
  }

  /** Predictions stored (all models). */
  public long predictionCount() {
    return read(
        c -> {
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM predictions")) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  private static PredictionRecord parse(byte[] bytes) throws SQLException {
    try {
      return PredictionRecord.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new SQLException("a stored prediction record does not parse", e);
    }
  }

  @FunctionalInterface
  interface Work<T> {
    T apply(Connection c) throws SQLException;
  }

  @FunctionalInterface
  interface Writes {
    void apply(Connection c) throws SQLException;
  }

  private void write(Writes work) {
    write(
        c -> {
          work.apply(c);
          return null;
        });
  }

  /** One transaction; SQLite's is begun IMMEDIATE so concurrent writers queue on the lock. */
  private <T> T write(Work<T> work) {
    try (Connection c = pool.getConnection()) {
      boolean committed = false;
      if (postgres) {
        c.setAutoCommit(false);
      } else {
        execute(c, "BEGIN IMMEDIATE");
      }
      try {
        T result = work.apply(c);
        if (postgres) {
          c.commit();
        } else {
          execute(c, "COMMIT");
        }
        committed = true;
        return result;
      } finally {
        if (!committed) {
          rollback(c);
        }
      }
    } catch (SQLException e) {
      throw new RecordStoreException("record store write failed: " + e.getMessage(), e);
    }
  }

  private void rollback(Connection c) {
    try {
      if (postgres) {
        c.rollback();
      } else {
        execute(c, "ROLLBACK");
      }
    } catch (SQLException e) {
      // The connection may still hold a transaction: it must never reach the next caller.
      pool.evictConnection(c);
    }
  }

  private <T> T read(Work<T> work) {
    try (Connection c = pool.getConnection()) {
      return work.apply(c);
    } catch (SQLException e) {
      throw new RecordStoreException("record store read failed: " + e.getMessage(), e);
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
