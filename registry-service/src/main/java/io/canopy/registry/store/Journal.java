package io.canopy.registry.store;

import io.canopy.proto.registry.v1.AuditEvent;
import io.canopy.proto.registry.v1.ChangeKind;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The registry's two logs, written inside the mutating transaction: the changes log (ordered by
 * revision, what WatchModels replays) and the audit log (who did what).
 */
final class Journal {

  private static final String KIND_PREFIX = "CHANGE_KIND_";

  private Journal() {}

  /**
   * Increments a counter and returns its new value. The UPDATE locks the counter row until the
   * transaction ends, so numbers are also committed in order (which a sequence does not give).
   */
  static long next(Connection c, String counter) throws SQLException {
    if (Sql.update(c, "UPDATE counters SET value = value + 1 WHERE name = ?", counter) != 1) {
      throw new SQLException("counter '" + counter + "' is missing");
    }
    return Sql.queryLong(c, "SELECT value FROM counters WHERE name = ?", counter);
  }

  static long appendChange(Connection c, ChangeKind kind, String model, long version, long now)
      throws SQLException {
    long revision = next(c, "revision");
    Sql.update(
        c,
        "INSERT INTO changes (revision, kind, model, version, change_time) VALUES (?, ?, ?, ?, ?)",
        revision,
        kind.name().substring(KIND_PREFIX.length()),
        model,
        version,
        now);
    return revision;
  }

  static long currentRevision(Connection c) throws SQLException {
    return Sql.queryLong(c, "SELECT value FROM counters WHERE name = 'revision'");
  }

  /** The oldest revision still in the log, or 0 when the log is empty. */
  static long firstRetainedRevision(Connection c) throws SQLException {
    return Sql.queryLong(c, "SELECT COALESCE(MIN(revision), 0) FROM changes");
  }

  static List<Change> changesAfter(Connection c, long revision, int limit) throws SQLException {
    return Sql.query(
        c,
        "SELECT revision, kind, model, version FROM changes WHERE revision > ?"
            + " ORDER BY revision LIMIT ?",
        rs ->
            new Change(
                rs.getLong(1),
                ChangeKind.valueOf(KIND_PREFIX + rs.getString(2)),
                rs.getString(3),
                rs.getLong(4)),
        revision,
        limit);
  }

  static void audit(
      Connection c,
      String actor,
      String action,
      String model,
      long version,
      String detail,
      long now)
      throws SQLException {
    Sql.update(
        c,
        "INSERT INTO audit_events (id, actor, action, model, version, detail, event_time)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?)",
        next(c, "audit"),
        actor,
        action,
        model,
        version,
        detail,
        now);
  }

  /** Audit events with id below {@code before}, newest first; {@code model} "" for all. */
  static List<AuditEvent> auditPage(Connection c, String model, long before, int limit)
      throws SQLException {
    String filter = model.isEmpty() ? "" : " AND model = ?";
    Object[] params =
        model.isEmpty() ? new Object[] {before, limit} : new Object[] {before, model, limit};
    return Sql.query(
        c,
        "SELECT id, actor, action, model, version, detail, event_time FROM audit_events"
            + " WHERE id < ?"
            + filter
            + " ORDER BY id DESC LIMIT ?",
        rs ->
            AuditEvent.newBuilder()
                .setId(rs.getLong(1))
                .setActor(rs.getString(2))
                .setAction(rs.getString(3))
                .setModel(rs.getString(4))
                .setVersion(rs.getLong(5))
                .setDetail(rs.getString(6))
                .setTime(Columns.time(rs.getLong(7)))
                .build(),
        params);
  }
}
