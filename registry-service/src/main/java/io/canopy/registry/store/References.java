package io.canopy.registry.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.canopy.common.error.CanopyException;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.ReferenceSample;
import io.canopy.proto.registry.v1.VersionState;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** A version's reference sample: checked against the version, stored whole, read whole. */
final class References {

  /** Most rows a sample may have. */
  static final int MAX_ROWS = 100_000;

  /** Most values a sample may have (16 MiB of float32). */
  static final int MAX_VALUES = 4 << 20;

  private References() {}

  static int set(
      Connection c, String model, long version, ReferenceSample sample, String actor, long now)
      throws SQLException {
    ModelWrites.require(c, model);
    ModelVersion v = VersionWrites.require(c, model, version);
    if (v.getState() != VersionState.VERSION_STATE_READY) {
      throw new CanopyException.FailedPrecondition(
          model + " v" + version + " is " + v.getState() + "; a reference needs a READY version");
    }
    check(sample, v);
    Sql.update(c, "DELETE FROM version_references WHERE model = ? AND version = ?", model, version);
    Sql.update(
        c,
        "INSERT INTO version_references (model, version, num_rows, sample) VALUES (?, ?, ?, ?)",
        model,
        version,
        sample.getRows(),
        sample.toByteArray());
    Journal.audit(
        c,
        actor,
        "SetVersionReference",
        model,
        version,
        sample.getRows() + " rows of " + sample.getFeatureNamesCount() + " features",
        now);
    return sample.getRows();
  }

  static Optional<ReferenceSample> find(Connection c, String model, long version)
      throws SQLException {
    Optional<byte[]> bytes =
        Sql.queryOne(
            c,
            "SELECT sample FROM version_references WHERE model = ? AND version = ?",
            rs -> rs.getBytes(1),
            model,
            version);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ReferenceSample.parseFrom(bytes.get()));
    } catch (InvalidProtocolBufferException e) {
      throw new SQLException("a stored reference sample does not parse", e);
    }
  }

  private static void check(ReferenceSample sample, ModelVersion v) {
    int width = sample.getFeatureNamesCount();
    if (width == 0) {
      throw new CanopyException.InvalidArgument("sample.feature_names", "name the columns");
    }
    if (v.getFeatureNamesCount() > 0
        ? !sample.getFeatureNamesList().equals(v.getFeatureNamesList())
        : width != v.getNumFeatures()) {
      List<String> names = v.getFeatureNamesList();
      String shown =
          names.isEmpty()
              ? ""
              : ": "
                  + String.join(", ", names.subList(0, Math.min(10, names.size())))
                  + (names.size() > 10 ? ", ..." : "");
      throw new CanopyException.InvalidArgument(
          "sample.feature_names",
          "must be the version's " + v.getNumFeatures() + " features in its order" + shown);
    }
    if (sample.getRows() < 1 || sample.getRows() > MAX_ROWS) {
      throw new CanopyException.InvalidArgument(
          "sample.rows", sample.getRows() + " is outside 1-" + MAX_ROWS);
    }
    if (sample.getValuesCount() > MAX_VALUES
        || sample.getValuesCount() != (long) sample.getRows() * width) {
      throw new CanopyException.InvalidArgument(
          "sample.values",
          sample.getValuesCount()
              + " values are not "
              + sample.getRows()
              + " rows of "
              + width
              + " (at most "
              + MAX_VALUES
              + " values)");
    }
  }
}
