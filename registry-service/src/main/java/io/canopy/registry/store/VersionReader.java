package io.canopy.registry.store;

import io.canopy.proto.registry.v1.ModelVersion;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Reads model versions. */
final class VersionReader {

  private static final String SELECT =
      "SELECT model, version, state, failure_reason, sha256, size_bytes, format, objective,"
          + " num_features, num_trees, num_classes, details, description, creator, create_time,"
          + " update_time FROM versions ";

  private VersionReader() {}

  static Optional<ModelVersion> find(Connection c, String model, long version) throws SQLException {
    return Sql.queryOne(
        c, SELECT + "WHERE model = ? AND version = ?", VersionReader::map, model, version);
  }

  /** Up to {@code limit} versions older than {@code before}, newest first. */
  static List<ModelVersion> page(Connection c, String model, long before, int limit)
      throws SQLException {
    return Sql.query(
        c,
        SELECT + "WHERE model = ? AND version < ? ORDER BY version DESC LIMIT ?",
        VersionReader::map,
        model,
        before,
        limit);
  }

  static List<ModelVersion> allNotArchived(Connection c) throws SQLException {
    return Sql.query(
        c, SELECT + "WHERE state <> 'ARCHIVED' ORDER BY model, version", VersionReader::map);
  }

  static ModelVersion map(ResultSet rs) throws SQLException {
    return Columns.fromJson(rs.getString("details"), ModelVersion.newBuilder())
        .setModel(rs.getString("model"))
        .setVersion(rs.getLong("version"))
        .setState(Columns.state(rs.getString("state")))
        .setFailureReason(rs.getString("failure_reason"))
        .setSha256(rs.getString("sha256"))
        .setSizeBytes(rs.getLong("size_bytes"))
        .setFormat(Columns.format(rs.getString("format")))
        .setObjective(rs.getString("objective"))
        .setNumFeatures(rs.getInt("num_features"))
        .setNumTrees(rs.getInt("num_trees"))
        .setNumClasses(rs.getInt("num_classes"))
        .setDescription(rs.getString("description"))
        .setCreator(rs.getString("creator"))
        .setCreateTime(Columns.time(rs.getLong("create_time")))
        .setUpdateTime(Columns.time(rs.getLong("update_time")))
        .build();
  }

  /** The JSON kept in the details column: the variable-length parts of a version. */
  static String details(ModelVersion v) {
    ModelVersion.Builder details =
        ModelVersion.newBuilder()
            .addAllFeatureNames(v.getFeatureNamesList())
            .addAllFeatureTypes(v.getFeatureTypesList())
            .putAllLabels(v.getLabelsMap())
            .setNativeBytes(v.getNativeBytes());
    if (v.hasInputBinding()) {
      details.setInputBinding(v.getInputBinding());
    }
    return Columns.json(details.build());
  }
}
