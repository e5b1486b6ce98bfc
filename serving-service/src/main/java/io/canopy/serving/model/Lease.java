package io.canopy.serving.model;

import io.canopy.common.admission.InFlightLimit;
import io.canopy.common.error.CanopyException;
import io.canopy.proto.registry.v1.InputBinding;
import io.canopy.serving.predict.Engine;
import io.canopy.serving.predict.Prediction;
import io.canopy.serving.predict.PredictionKind;
import io.canopy.serving.predict.Predictor;
import java.util.List;
import java.util.Optional;

/**
 * One request's hold on a loaded version and on its model's in-flight slot. Close it as soon as the
 * prediction is computed: that is what lets a retired version free its memory.
 */
public final class Lease implements AutoCloseable {

  private final LoadedVersion version;
  private final InFlightLimit limit;
  private boolean closed;

  Lease(LoadedVersion version, InFlightLimit limit) {
    this.version = version;
    this.limit = limit;
  }

  public String model() {
    return version.meta().getModel();
  }

  public long version() {
    return version.meta().getVersion();
  }

  public String sha256() {
    return version.meta().getSha256();
  }

  /** The version's XGBoost objective as the registry recorded it ("" when unknown). */
  public String objective() {
    return version.meta().getObjective();
  }

  /** The online features that feed this version, when the registry recorded a binding. */
  public Optional<InputBinding> inputBinding() {
    return version.meta().hasInputBinding()
        ? Optional.of(version.meta().getInputBinding())
        : Optional.empty();
  }

  /** Input columns the version expects. */
  public int numFeatures() {
    return version.predictor().numFeatures();
  }

  /** Feature names in column order; empty when the version has none. */
  public List<String> featureNames() {
    return version.featureNames();
  }

  /** Column of a named feature, or -1 when the version has no such feature. */
  public int featureIndex(String name) {
    return version.featureIndex(name);
  }

  /** Output columns of a VALUE prediction (1, or the number of classes). */
  public int valueWidth() {
    return version.predictor().valueWidth();
  }

  /**
   * True when the version's small batches run on the verified pure-Java engine: no native call, a
   * few microseconds per row, cheap enough for a transport thread.
   */
  public boolean computesInJava() {
    return version.predictor().engine().engine() == Engine.FLAT;
  }

  /** The engine of the version's small VALUE, MARGIN and CLASS batches (larger ones: native). */
  public Engine engine() {
    return version.predictor().engine().engine();
  }

  /** Predicts with the leased version; see {@link Predictor#predict}. */
  public Prediction predict(float[] rows, int numRows, PredictionKind kind) {
    if (closed) {
      throw new IllegalStateException("lease on " + version.key() + " is closed");
    }
    if (kind == PredictionKind.CLASS && !classifies()) {
      throw new CanopyException.InvalidArgument(
          "output",
          "CLASS is for classification models (binary:*, multi:*); "
              + version.key()
              + " has objective "
              + version.meta().getObjective()
              + ": ask for VALUE");
    }
    return version.predictor().predict(rows, numRows, kind);
  }

  /**
   * True for a classifier (or a version whose objective the registry did not record): regression,
   * count, survival and ranking outputs are not classes, and thresholding them at 0.5 would answer
   * nonsense.
   */
  private boolean classifies() {
    String objective = version.meta().getObjective();
    return objective.isEmpty()
        || objective.startsWith("binary:")
        || objective.startsWith("multi:")
        // LightGBM's names (they never hold a ':')
        || objective.equals("binary")
        || objective.equals("multiclass")
        || objective.equals("multiclassova");
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      version.release();
      limit.release();
    }
  }
}
