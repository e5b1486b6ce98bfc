package io.canopy.registry.store;

import io.canopy.common.error.CanopyException;
import io.canopy.proto.registry.v1.ChangeKind;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.VersionState;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/** Version-level mutations, each run inside the caller's transaction. */
final class VersionWrites {

  /** Who records validation outcomes in the audit log. */
  static final String SYSTEM_ACTOR = "registry";

  private VersionWrites() {}

  static ModelVersion create(
      Connection c, ModelVersion upload, boolean createModel, String actor, long now)
      throws SQLException {
    String model = upload.getModel();
    if (!ModelReader.exists(c, model)) {
      if (!createModel) {
        throw new CanopyException.NotFound(
            "model '" + model + "' does not exist (set create_model to create it)");
      }
      ModelWrites.create(c, model, "", Map.of(), actor, now);
    }
    // The counter on the model row only grows, so numbers are never reused, even after deletes.
    Sql.update(c, "UPDATE models SET last_version = last_version + 1 WHERE name = ?", model);
    long version = Sql.queryLong(c, "SELECT last_version FROM models WHERE name = ?", model);
    Sql.update(
        c,
        "INSERT INTO versions (model, version, state, failure_reason, sha256, size_bytes, format,"
            + " objective, num_features, num_trees, num_classes, details, description, creator,"
            + " create_time, update_time)"
            + " VALUES (?, ?, ?, '', ?, ?, ?, '', 0, 0, 0, ?, ?, ?, ?, ?)",
        model,
        version,
        Columns.state(VersionState.VERSION_STATE_VALIDATING),
        upload.getSha256(),
        upload.getSizeBytes(),
        Columns.format(upload.getFormat()),
        VersionReader.details(upload),
        upload.getDescription(),
        actor,
        now,
        now);
    Journal.appendChange(c, ChangeKind.CHANGE_KIND_VERSION_UPSERTED, model, version, now);
    Journal.audit(
        c,
        actor,
        "UploadVersion",
        model,
        version,
        "received "
            + upload.getSizeBytes()
            + " bytes ("
            + Columns.format(upload.getFormat())
            + ", sha256 "
            + upload.getSha256()
            + "); validating",
        now);
    return require(c, model, version);
  }

  static ModelVersion complete(
      Connection c, String model, long version, ModelVersion outcome, long now)
      throws SQLException {
    ModelVersion current = require(c, model, version);
    if (current.getState() != VersionState.VERSION_STATE_VALIDATING) {
      throw wrongState(model, version, current, "not VALIDATING");
    }
    ModelVersion merged =
        current.toBuilder()
            .setState(outcome.getState())
            .setFailureReason(outcome.getFailureReason())
            .setObjective(outcome.getObjective())
            .setNumFeatures(outcome.getNumFeatures())
            .setNumTrees(outcome.getNumTrees())
            .setNumClasses(outcome.getNumClasses())
            .setNativeBytes(outcome.getNativeBytes())
            .clearFeatureNames()
            .addAllFeatureNames(outcome.getFeatureNamesList())
            .clearFeatureTypes()
            .addAllFeatureTypes(outcome.getFeatureTypesList())
            .build();
    Sql.update(
        c,
        "UPDATE versions SET state = ?, failure_reason = ?, objective = ?, num_features = ?,"
            + " num_trees = ?, num_classes = ?, details = ?, update_time = ?"
            + " WHERE model = ? AND version = ?",
        Columns.state(merged.getState()),
        merged.getFailureReason(),
        merged.getObjective(),
        merged.getNumFeatures(),
        merged.getNumTrees(),
        merged.getNumClasses(),
        VersionReader.details(merged),
        now,
        model,
        version);
    Journal.appendChange(c, ChangeKind.CHANGE_KIND_VERSION_UPSERTED, model, version, now);
    String detail =
        merged.getState() == VersionState.VERSION_STATE_READY
            ? "validated: READY"
            : "validated: FAILED: " + merged.getFailureReason();
    Journal.audit(c, SYSTEM_ACTOR, "ValidateVersion", model, version, detail, now);
    return require(c, model, version);
  }

  static ModelVersion archive(Connection c, String model, long version, String actor, long now)
      throws SQLException {
    ModelWrites.require(c, model);
    ModelVersion current = require(c, model, version);
    switch (current.getState()) {
      case VERSION_STATE_ARCHIVED -> {
        return current;
      }
      case VERSION_STATE_READY, VERSION_STATE_FAILED -> {}
      default -> throw wrongState(model, version, current, "wait for validation to finish");
    }
    List<String> aliases =
        Sql.query(
            c,
            "SELECT alias FROM aliases WHERE model = ? AND version = ? ORDER BY alias",
            rs -> rs.getString(1),
            model,
            version);
    if (!aliases.isEmpty()) {
      throw new CanopyException.FailedPrecondition(
          "aliases " + aliases + " point at version " + version + "; move them first");
    }
    if (ModelWrites.policy(c, model).map(p -> PolicyReferences.version(p, version)).orElse(false)) {
      throw new CanopyException.FailedPrecondition(
          "the traffic policy of model '"
              + model
              + "' routes to version "
              + version
              + "; change the policy first");
    }
    Sql.update(
        c,
        "UPDATE versions SET state = ?, update_time = ? WHERE model = ? AND version = ?",
        Columns.state(VersionState.VERSION_STATE_ARCHIVED),
        now,
        model,
        version);
    Journal.appendChange(c, ChangeKind.CHANGE_KIND_VERSION_UPSERTED, model, version, now);
    Journal.audit(c, actor, "ArchiveVersion", model, version, "archived", now);
    return require(c, model, version);
  }

  static int failUnfinished(Connection c, String reason, long now) throws SQLException {
    List<ModelVersion> stuck =
        Sql.query(
            c,
            "SELECT model, version FROM versions WHERE state = 'VALIDATING'",
            rs ->
                ModelVersion.newBuilder()
                    .setModel(rs.getString(1))
                    .setVersion(rs.getLong(2))
                    .build());
    ModelVersion failed =
        ModelVersion.newBuilder()
            .setState(VersionState.VERSION_STATE_FAILED)
            .setFailureReason(reason)
            .build();
    for (ModelVersion v : stuck) {
      complete(c, v.getModel(), v.getVersion(), failed, now);
    }
    return stuck.size();
  }

  static ModelVersion require(Connection c, String model, long version) throws SQLException {
    return VersionReader.find(c, model, version)
        .orElseThrow(
            () -> new CanopyException.NotFound("model '" + model + "' has no version " + version));
  }

  /** FAILED_PRECONDITION: "version 3 of model 'm' is READY, not VALIDATING". */
  private static CanopyException.FailedPrecondition wrongState(
      String model, long version, ModelVersion current, String why) {
    return new CanopyException.FailedPrecondition(
        "version " + version + " of model '" + model + "' is " + current.getState() + ", " + why);
  }
}
