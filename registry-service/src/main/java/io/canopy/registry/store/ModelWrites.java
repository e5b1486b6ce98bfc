package io.canopy.registry.store;

import io.canopy.common.error.CanopyException;
import io.canopy.proto.registry.v1.ChangeKind;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.TrafficPolicy;
import io.canopy.proto.registry.v1.TrafficSplit;
import io.canopy.proto.registry.v1.VersionState;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Model-level mutations, each run inside the caller's transaction. */
final class ModelWrites {

  /** The reserved alias that always means the newest READY version. */
  static final String LATEST = "latest";

  private ModelWrites() {}

  static Model create(
      Connection c,
      String name,
      String description,
      Map<String, String> labels,
      String actor,
      long now)
      throws SQLException {
    if (ModelReader.exists(c, name)) {
      throw new CanopyException.AlreadyExists("model '" + name + "' already exists");
    }
    Sql.update(
        c,
        "INSERT INTO models (name, description, details, creator, create_time, update_time,"
            + " last_version) VALUES (?, ?, ?, ?, ?, ?, 0)",
        name,
        description,
        Columns.json(Model.newBuilder().putAllLabels(labels).build()),
        actor,
        now,
        now);
    Journal.appendChange(c, ChangeKind.CHANGE_KIND_MODEL_UPSERTED, name, 0, now);
    Journal.audit(c, actor, "CreateModel", name, 0, "created model", now);
    return ModelReader.find(c, name).orElseThrow();
  }

  static List<String> delete(Connection c, String name, String actor, long now)
      throws SQLException {
    Model model = require(c, name);
    if (!model.getAliasesMap().isEmpty()) {
      throw new CanopyException.FailedPrecondition(
          "model '"
              + name
              + "' still has aliases "
              + model.getAliasesMap().keySet()
              + "; delete them first");
    }
    if (model.hasTrafficPolicy()) {
      throw new CanopyException.FailedPrecondition(
          "model '" + name + "' still has a traffic policy; clear it first");
    }
    if (Sql.queryLong(
            c, "SELECT COUNT(*) FROM versions WHERE model = ? AND state = 'VALIDATING'", name)
        > 0) {
      throw new CanopyException.FailedPrecondition(
          "model '" + name + "' has a version being validated; retry when it is done");
    }
    List<String> artifacts =
        Sql.query(
            c, "SELECT DISTINCT sha256 FROM versions WHERE model = ?", rs -> rs.getString(1), name);
    Sql.update(c, "DELETE FROM versions WHERE model = ?", name);
    Sql.update(c, "DELETE FROM models WHERE name = ?", name);
    Journal.appendChange(c, ChangeKind.CHANGE_KIND_MODEL_DELETED, name, 0, now);
    Journal.audit(c, actor, "DeleteModel", name, 0, "deleted model", now);
    return artifacts;
  }

  static Model setAlias(
      Connection c, String name, String alias, long version, String actor, long now)
      throws SQLException {
    require(c, name);
    ModelVersion target = VersionWrites.require(c, name, version);
    if (target.getState() != VersionState.VERSION_STATE_READY) {
      throw new CanopyException.FailedPrecondition(
          "version "
              + version
              + " of model '"
              + name
              + "' is "
              + target.getState()
              + "; only READY versions can be aliased");
    }
    if (Sql.update(
            c, "UPDATE aliases SET version = ? WHERE model = ? AND alias = ?", version, name, alias)
        == 0) {
      Sql.update(
          c, "INSERT INTO aliases (model, alias, version) VALUES (?, ?, ?)", name, alias, version);
    }
    return changed(c, name, actor, "SetAlias", version, alias + " -> " + version, now);
  }

  static Model deleteAlias(Connection c, String name, String alias, String actor, long now)
      throws SQLException {
    Model model = require(c, name);
    Long version = model.getAliasesMap().get(alias);
    if (version == null) {
      throw new CanopyException.NotFound("model '" + name + "' has no alias '" + alias + "'");
    }
    if (model.hasTrafficPolicy() && PolicyReferences.alias(model.getTrafficPolicy(), alias)) {
      throw new CanopyException.FailedPrecondition(
          "the traffic policy of model '"
              + name
              + "' routes to alias '"
              + alias
              + "'; change the policy first");
    }
    Sql.update(c, "DELETE FROM aliases WHERE model = ? AND alias = ?", name, alias);
    return changed(c, name, actor, "DeleteAlias", version, "removed " + alias, now);
  }

  static Model setPolicy(Connection c, String name, TrafficPolicy policy, String actor, long now)
      throws SQLException {
    Model model = require(c, name);
    if (policy.getSplitsCount() == 0) {
      Sql.update(c, "DELETE FROM traffic_policies WHERE model = ?", name);
      return changed(c, name, actor, "SetTrafficPolicy", 0, "cleared policy", now);
    }
    for (int i = 0; i < policy.getSplitsCount(); i++) {
      TrafficSplit split = policy.getSplits(i);
      if (split.hasVersion()) {
        requireReady(c, name, split.getVersion(), "policy.splits[" + i + "].version");
      } else if (!LATEST.equals(split.getAlias())
          && !model.getAliasesMap().containsKey(split.getAlias())) {
        throw new CanopyException.NotFound(
            "policy.splits["
                + i
                + "].alias: model '"
                + name
                + "' has no alias '"
                + split.getAlias()
                + "'");
      }
    }
    if (policy.hasShadow()) {
      requireReady(c, name, policy.getShadow().getVersion(), "policy.shadow.version");
    }
    String json = Columns.json(policy);
    if (Sql.update(c, "UPDATE traffic_policies SET policy = ? WHERE model = ?", json, name) == 0) {
      Sql.update(c, "INSERT INTO traffic_policies (model, policy) VALUES (?, ?)", name, json);
    }
    return changed(c, name, actor, "SetTrafficPolicy", 0, "set policy " + json, now);
  }

  /**
   * The model, with its row locked until the transaction ends: mutations of one model run one at a
   * time on PostgreSQL too (SQLite's writers are serialized anyway).
   */
  static Model require(Connection c, String name) throws SQLException {
    Sql.update(c, "UPDATE models SET update_time = update_time WHERE name = ?", name);
    return ModelReader.find(c, name)
        .orElseThrow(() -> new CanopyException.NotFound("model '" + name + "' does not exist"));
  }

  static Optional<TrafficPolicy> policy(Connection c, String name) throws SQLException {
    return Sql.queryOne(
        c,
        "SELECT policy FROM traffic_policies WHERE model = ?",
        rs -> Columns.fromJson(rs.getString(1), TrafficPolicy.newBuilder()).build(),
        name);
  }

  private static void requireReady(Connection c, String name, long version, String field)
      throws SQLException {
    ModelVersion v = VersionWrites.require(c, name, version);
    if (v.getState() != VersionState.VERSION_STATE_READY) {
      throw new CanopyException.FailedPrecondition(
          field + ": version " + version + " is " + v.getState() + ", not READY");
    }
  }

  private static Model changed(
      Connection c, String name, String actor, String action, long version, String detail, long now)
      throws SQLException {
    Sql.update(c, "UPDATE models SET update_time = ? WHERE name = ?", now, name);
    Journal.appendChange(c, ChangeKind.CHANGE_KIND_MODEL_UPSERTED, name, 0, now);
    Journal.audit(c, actor, action, name, version, detail, now);
    return ModelReader.find(c, name).orElseThrow();
  }
}
