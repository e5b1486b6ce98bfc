package io.canopy.registry.upload;

import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.canopy.proto.registry.v1.VersionState;
import java.util.List;

/**
 * Reconciles what an uploader declared (feature names and types, input binding) with what the
 * validator read from the file: a contradiction fails the version; declarations fill in what the
 * file does not say.
 */
final class DeclaredFeatures {

  private DeclaredFeatures() {}

  static ModelVersion reconcile(ModelVersion outcome, UploadVersionHeader header) {
    if (outcome.getState() != VersionState.VERSION_STATE_READY) {
      return outcome;
    }
    int n = outcome.getNumFeatures();
    ModelVersion.Builder result = outcome.toBuilder();
    String problem =
        merge("feature_names", header.getFeatureNamesList(), outcome.getFeatureNamesList(), n);
    if (problem == null) {
      problem =
          merge("feature_types", header.getFeatureTypesList(), outcome.getFeatureTypesList(), n);
    }
    if (problem == null
        && header.hasInputBinding()
        && header.getInputBinding().getFeaturesCount() != n) {
      problem =
          "the input binding names "
              + header.getInputBinding().getFeaturesCount()
              + " features but the model has "
              + n;
    }
    if (problem != null) {
      return ModelVersion.newBuilder()
          .setState(VersionState.VERSION_STATE_FAILED)
          .setFailureReason(problem)
          .build();
    }
    if (outcome.getFeatureNamesCount() == 0) {
      result.addAllFeatureNames(header.getFeatureNamesList());
    }
    if (outcome.getFeatureTypesCount() == 0) {
      result.addAllFeatureTypes(header.getFeatureTypesList());
    }
    return result.build();
  }

  /** A reason if {@code declared} contradicts {@code inFile}, else null. */
  private static String merge(String field, List<String> declared, List<String> inFile, int n) {
    if (declared.isEmpty()) {
      return null;
    }
    if (!inFile.isEmpty() && !declared.equals(inFile)) {
      return "declared "
          + field
          + " "
          + abbreviate(declared)
          + " disagree with the model file's "
          + abbreviate(inFile);
    }
    if (declared.size() != n) {
      return "declared " + declared.size() + " " + field + " but the model has " + n + " features";
    }
    return null;
  }

  private static String abbreviate(List<String> values) {
    return values.size() <= 8
        ? values.toString()
        : values.subList(0, 8) + " (+" + (values.size() - 8) + " more)";
  }
}
