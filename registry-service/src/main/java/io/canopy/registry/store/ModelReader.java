package io.canopy.registry.store;

import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.TrafficPolicy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads models with everything a {@link Model} carries: aliases, traffic policy and the newest
 * READY version. Models are read in name order, so the extras of a page come from three range
 * queries over [first, last] rather than three queries per model.
 */
final class ModelReader {

  private static final String SELECT =
      "SELECT name, description, details, creator, create_time, update_time FROM models ";

  private ModelReader() {}

  static Optional<Model> find(Connection c, String name) throws SQLException {
    List<Model> found = enrich(c, Sql.query(c, SELECT + "WHERE name = ?", ModelReader::map, name));
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  static boolean exists(Connection c, String name) throws SQLException {
    return Sql.queryOne(c, "SELECT 1 FROM models WHERE name = ?", rs -> true, name).isPresent();
  }

  /** Up to {@code limit} models named after {@code after} ("" for the first page), by name. */
  static List<Model> page(Connection c, String after, int limit) throws SQLException {
    return enrich(
        c,
        Sql.query(
            c, SELECT + "WHERE name > ? ORDER BY name LIMIT ?", ModelReader::map, after, limit));
  }

  static List<Model> all(Connection c) throws SQLException {
    return enrich(c, Sql.query(c, SELECT + "ORDER BY name", ModelReader::map));
  }

  private static Model.Builder map(ResultSet rs) throws SQLException {
    return Columns.fromJson(rs.getString("details"), Model.newBuilder())
        .setName(rs.getString("name"))
        .setDescription(rs.getString("description"))
        .setCreator(rs.getString("creator"))
        .setCreateTime(Columns.time(rs.getLong("create_time")))
        .setUpdateTime(Columns.time(rs.getLong("update_time")));
  }

  private static List<Model> enrich(Connection c, List<Model.Builder> models) throws SQLException {
    if (models.isEmpty()) {
      return List.of();
    }
    Map<String, Model.Builder> byName = new LinkedHashMap<>();
    for (Model.Builder m : models) {
      byName.put(m.getName(), m);
    }
    String first = models.get(0).getName();
    String last = models.get(models.size() - 1).getName();
    String range = " WHERE model >= ? AND model <= ?";
    for (Object[] row :
        Sql.query(
            c,
            "SELECT model, alias, version FROM aliases" + range,
            rs -> new Object[] {rs.getString(1), rs.getString(2), rs.getLong(3)},
            first,
            last)) {
      Model.Builder m = byName.get((String) row[0]);
      if (m != null) {
        m.putAliases((String) row[1], (Long) row[2]);
      }
    }
    for (String[] row :
        Sql.query(
            c,
            "SELECT model, policy FROM traffic_policies" + range,
            rs -> new String[] {rs.getString(1), rs.getString(2)},
            first,
            last)) {
      Model.Builder m = byName.get(row[0]);
      if (m != null) {
        m.setTrafficPolicy(Columns.fromJson(row[1], TrafficPolicy.newBuilder()));
      }
    }
    for (Object[] row :
        Sql.query(
            c,
            "SELECT model, MAX(version) FROM versions"
                + range
                + " AND state = 'READY' GROUP BY model",
            rs -> new Object[] {rs.getString(1), rs.getLong(2)},
            first,
            last)) {
      Model.Builder m = byName.get((String) row[0]);
      if (m != null) {
        m.setLatestVersion((Long) row[1]);
      }
    }
    List<Model> result = new ArrayList<>(models.size());
    for (Model.Builder m : byName.values()) {
      result.add(m.build());
    }
    return result;
  }
}
