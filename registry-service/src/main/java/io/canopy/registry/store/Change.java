package io.canopy.registry.store;

import io.canopy.proto.registry.v1.ChangeKind;
import java.util.Objects;

/**
 * One entry of the changes log: at {@code revision}, the model (and for version changes, the
 * version) changed. Readers look up the entity's current state; the log only orders changes.
 *
 * @param version the version for {@code VERSION_UPSERTED}, else 0
 */
public record Change(long revision, ChangeKind kind, String model, long version) {
  public Change {
    if (revision < 1) {
      throw new IllegalArgumentException("revision: " + revision + " must be positive");
    }
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(model, "model");
  }
}
