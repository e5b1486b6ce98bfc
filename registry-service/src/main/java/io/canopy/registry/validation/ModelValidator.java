package io.canopy.registry.validation;

import io.canopy.proto.registry.v1.ModelFormat;
import io.canopy.proto.registry.v1.ModelVersion;
import java.nio.file.Path;

/**
 * Decides whether model bytes are a loadable XGBoost model, and reads its facts, without ever
 * loading untrusted bytes into this process: corrupt files can crash XGBoost's native loader.
 */
public interface ModelValidator extends AutoCloseable {

  /**
   * Validates the model in {@code file}. Blocks until done or the time cap is reached.
   *
   * @return a version carrying state READY with objective, num_features, feature names/types,
   *     num_trees and num_classes, or state FAILED with a failure_reason for people
   * @throws InterruptedException if interrupted; the validation is abandoned
   */
  ModelVersion validate(Path file, ModelFormat format) throws InterruptedException;

  @Override
  void close();
}
