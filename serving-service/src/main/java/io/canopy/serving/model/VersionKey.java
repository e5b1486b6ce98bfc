package io.canopy.serving.model;

/** A model version's identity: the model's name and its version number. */
record VersionKey(String model, long version) {

  @Override
  public String toString() {
    return model + " v" + version;
  }
}
