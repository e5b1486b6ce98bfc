package io.canopy.monitor.drift;

import io.canopy.proto.registry.v1.ReferenceSample;
import java.util.Optional;

/** Where a version's reference sample comes from (the registry), if it has one. */
public interface ReferenceSource {

  /** No references anywhere: every baseline is live. */
  ReferenceSource NONE = (model, version) -> Optional.empty();

  Optional<ReferenceSample> of(String model, long version);
}
