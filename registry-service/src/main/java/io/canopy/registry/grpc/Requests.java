package io.canopy.registry.grpc;

import io.canopy.common.digest.Sha256;
import io.canopy.common.error.CanopyException.InvalidArgument;
import io.canopy.common.names.ResourceNames;
import io.canopy.proto.registry.v1.InputBinding;
import io.canopy.proto.registry.v1.ModelFormat;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Validation of request fields; every failure is INVALID_ARGUMENT naming the field. */
final class Requests {

  static final String RESERVED_ALIAS = "latest";

  private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_./-]{0,62}");
  private static final Set<String> FEATURE_TYPES = Set.of("float", "int", "i", "q", "c");
  private static final int MAX_LABELS = 64;
  private static final int MAX_LABEL_VALUE = 256;
  private static final int MAX_DESCRIPTION = 4096;
  private static final int MAX_FEATURE_NAME = 256;
  static final int DEFAULT_PAGE_SIZE = 100;
  static final int MAX_PAGE_SIZE = 1000;

  private Requests() {}

  /** A model, alias or feature view name: 1-128 of [A-Za-z0-9_.-], starting alphanumeric. */
  static String name(String field, String value) {
    return ResourceNames.check(field, value);
  }

  static String alias(String field, String value) {
    name(field, value);
    if (RESERVED_ALIAS.equals(value)) {
      throw new InvalidArgument(field, "'latest' is reserved for the newest READY version");
    }
    return value;
  }

  static long version(String field, long value) {
    if (value < 1) {
      throw new InvalidArgument(field, "must be a version number (1 or more)");
    }
    return value;
  }

  /** 0 means the default; above the maximum is lowered to it (AIP-158). */
  static int pageSize(int requested) {
    if (requested < 0) {
      throw new InvalidArgument("page_size", "must not be negative");
    }
    return requested == 0 ? DEFAULT_PAGE_SIZE : Math.min(requested, MAX_PAGE_SIZE);
  }

  static void description(String field, String value) {
    if (value.length() > MAX_DESCRIPTION) {
      throw new InvalidArgument(field, "is longer than " + MAX_DESCRIPTION + " characters");
    }
  }

  static void labels(String field, Map<String, String> labels) {
    if (labels.size() > MAX_LABELS) {
      throw new InvalidArgument(field, "more than " + MAX_LABELS + " labels");
    }
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (!LABEL_KEY.matcher(e.getKey()).matches()) {
        throw new InvalidArgument(
            field, "key '" + e.getKey() + "' must be 1-63 characters of [A-Za-z0-9_./-]");
      }
      if (e.getValue().length() > MAX_LABEL_VALUE) {
        throw new InvalidArgument(
            field, "value of '" + e.getKey() + "' is longer than " + MAX_LABEL_VALUE);
      }
    }
  }

  static UploadVersionHeader uploadHeader(UploadVersionHeader h) {
    name("header.model", h.getModel());
    if (h.getFormat() == ModelFormat.UNRECOGNIZED) {
      throw new InvalidArgument("header.format", "unknown format");
    }
    if (!h.getExpectedSha256().isEmpty() && !Sha256.isValidHex(h.getExpectedSha256())) {
      throw new InvalidArgument("header.expected_sha256", "must be 64 lowercase hex characters");
    }
    featureNames("header.feature_names", h.getFeatureNamesList());
    for (String type : h.getFeatureTypesList()) {
      if (!FEATURE_TYPES.contains(type)) {
        throw new InvalidArgument(
            "header.feature_types", "'" + type + "' is not one of " + FEATURE_TYPES);
      }
    }
    if (h.getFeatureNamesCount() > 0
        && h.getFeatureTypesCount() > 0
        && h.getFeatureNamesCount() != h.getFeatureTypesCount()) {
      throw new InvalidArgument("header.feature_types", "must have one type per feature name");
    }
    if (h.hasInputBinding()) {
      InputBinding b = h.getInputBinding();
      name("header.input_binding.feature_view", b.getFeatureView());
      if (b.getFeaturesCount() == 0) {
        throw new InvalidArgument("header.input_binding.features", "is required");
      }
      featureNames("header.input_binding.features", b.getFeaturesList());
    }
    labels("header.labels", h.getLabelsMap());
    description("header.description", h.getDescription());
    return h;
  }

  private static void featureNames(String field, List<String> names) {
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      if (name.isEmpty() || name.length() > MAX_FEATURE_NAME) {
        throw new InvalidArgument(field, "names must be 1-" + MAX_FEATURE_NAME + " characters");
      }
      if (!seen.add(name)) {
        throw new InvalidArgument(field, "'" + name + "' appears twice");
      }
    }
  }
}
