package io.canopy.bench;

/** The model a prediction target names, with an optional version or alias (not both). */
record ModelRef(String model, Long version, String alias) {

  ModelRef {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("--model is required for this target");
    }
    if (version != null && alias != null) {
      throw new IllegalArgumentException("give --version or --alias, not both");
    }
    if (version != null && version < 1) {
      throw new IllegalArgumentException("--version must be positive, got " + version);
    }
  }
}
