package io.canopy.registry.watch;

import io.canopy.proto.registry.v1.ChangeKind;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.WatchModelsResponse;
import io.canopy.registry.store.Change;
import io.canopy.registry.store.MetadataStore;
import io.canopy.registry.store.Snapshot;
import java.util.Optional;

/**
 * Turns the changes log into watch events: each change is sent with the entity's current state. A
 * change whose entity is gone since (a version of a deleted model) is skipped: the deletion comes
 * later in the log.
 */
final class ChangeFeed {

  private final MetadataStore store;

  ChangeFeed(MetadataStore store) {
    this.store = store;
  }

  WatchModelsResponse snapshot() {
    Snapshot s = store.snapshot();
    return WatchModelsResponse.newBuilder()
        .setRevision(s.revision())
        .setKind(ChangeKind.CHANGE_KIND_SNAPSHOT)
        .addAllModels(s.models())
        .addAllVersions(s.versions())
        .build();
  }

  Optional<WatchModelsResponse> event(Change change) {
    WatchModelsResponse.Builder event =
        WatchModelsResponse.newBuilder().setRevision(change.revision()).setKind(change.kind());
    switch (change.kind()) {
      case CHANGE_KIND_MODEL_DELETED -> event.setDeletedModel(change.model());
      case CHANGE_KIND_MODEL_UPSERTED -> {
        Optional<Model> model = store.findModel(change.model());
        if (model.isEmpty()) {
          return Optional.empty();
        }
        event.addModels(model.get());
      }
      case CHANGE_KIND_VERSION_UPSERTED -> {
        Optional<ModelVersion> version = store.findVersion(change.model(), change.version());
        Optional<Model> model = store.findModel(change.model());
        if (version.isEmpty() || model.isEmpty()) {
          return Optional.empty();
        }
        event.addVersions(version.get()).addModels(model.get());
      }
      default -> {
        return Optional.empty();
      }
    }
    return Optional.of(event.build());
  }
}
