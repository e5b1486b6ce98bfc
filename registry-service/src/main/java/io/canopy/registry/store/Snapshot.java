package io.canopy.registry.store;

import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelVersion;
import java.util.List;

/** The registry's whole state at {@code revision}: every model and every non-archived version. */
public record Snapshot(long revision, List<Model> models, List<ModelVersion> versions) {
  public Snapshot {
    models = List.copyOf(models);
    versions = List.copyOf(versions);
  }
}
