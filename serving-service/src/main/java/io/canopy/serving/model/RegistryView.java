package io.canopy.serving.model;

import io.canopy.proto.registry.v1.ChangeKind;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.TrafficSplit;
import io.canopy.proto.registry.v1.VersionState;
import io.canopy.proto.registry.v1.WatchModelsResponse;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * This process's copy of the registry, built from the WatchModels stream (or the cached copy of
 * it). Confined to the model manager's thread.
 */
final class RegistryView {

  static final String LATEST = "latest";

  private final Map<String, Model> models = new HashMap<>();
  private final Map<VersionKey, ModelVersion> versions = new HashMap<>();
  private long revision;
  private boolean known;

  /** Applies one event. Returns false for a change this view already holds (stale revision). */
  boolean apply(WatchModelsResponse event) {
    if (event.getKind() != ChangeKind.CHANGE_KIND_SNAPSHOT
        && known
        && event.getRevision() <= revision) {
      return false;
    }
    switch (event.getKind()) {
      case CHANGE_KIND_SNAPSHOT -> {
        models.clear();
        versions.clear();
        event.getModelsList().forEach(m -> models.put(m.getName(), m));
        event.getVersionsList().forEach(this::putVersion);
      }
      case CHANGE_KIND_MODEL_UPSERTED ->
          event.getModelsList().forEach(m -> models.put(m.getName(), m));
      case CHANGE_KIND_MODEL_DELETED -> {
        models.remove(event.getDeletedModel());
        versions.keySet().removeIf(k -> k.model().equals(event.getDeletedModel()));
      }
      case CHANGE_KIND_VERSION_UPSERTED -> {
        event.getModelsList().forEach(m -> models.put(m.getName(), m));
        event.getVersionsList().forEach(this::putVersion);
      }
      case CHANGE_KIND_UNSPECIFIED, UNRECOGNIZED -> {
        // A kind this build does not know: nothing to apply, but the revision still counts.
      }
    }
    revision = event.getRevision();
    known = true;
    return true;
  }

  private void putVersion(ModelVersion v) {
    VersionKey key = new VersionKey(v.getModel(), v.getVersion());
    if (v.getState() == VersionState.VERSION_STATE_ARCHIVED) {
      versions.remove(key);
    } else {
      versions.put(key, v);
    }
  }

  /** True once a snapshot (live or cached) has been applied. */
  boolean known() {
    return known;
  }

  long revision() {
    return revision;
  }

  Collection<Model> models() {
    return models.values();
  }

  Model model(String name) {
    return models.get(name);
  }

  /** The version's metadata, or null when the registry does not list it. */
  ModelVersion version(VersionKey key) {
    return versions.get(key);
  }

  Collection<ModelVersion> versions() {
    return versions.values();
  }

  /** The registry's alias targets for a model, "latest" included when the model has one. */
  static Map<String, Long> aliases(Model model) {
    Map<String, Long> aliases = new HashMap<>(model.getAliasesMap());
    if (model.getLatestVersion() > 0) {
      aliases.put(LATEST, model.getLatestVersion());
    }
    return aliases;
  }

  /** Versions of traffic-policy splits (aliases resolved), which must be loaded to be ready. */
  static Set<Long> splitVersions(Model model) {
    Map<String, Long> aliases = aliases(model);
    Set<Long> out = new TreeSet<>();
    for (TrafficSplit split : model.getTrafficPolicy().getSplitsList()) {
      switch (split.getTargetCase()) {
        case VERSION -> out.add(split.getVersion());
        case ALIAS -> {
          Long v = aliases.get(split.getAlias());
          if (v != null) {
            out.add(v);
          }
        }
        case TARGET_NOT_SET -> {}
      }
    }
    return out;
  }

  /** Every version the registry references for a model: aliases, latest, splits and shadow. */
  static Set<Long> referenced(Model model) {
    Set<Long> out = new TreeSet<>(aliases(model).values());
    out.addAll(splitVersions(model));
    if (model.getTrafficPolicy().getShadow().getVersion() > 0) {
      out.add(model.getTrafficPolicy().getShadow().getVersion());
    }
    return out;
  }

  /** The whole view as a snapshot event, for the local cache. */
  WatchModelsResponse toSnapshot() {
    return WatchModelsResponse.newBuilder()
        .setRevision(revision)
        .setKind(ChangeKind.CHANGE_KIND_SNAPSHOT)
        .addAllModels(models.values())
        .addAllVersions(versions.values())
        .build();
  }
}
