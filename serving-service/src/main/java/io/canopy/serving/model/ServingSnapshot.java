package io.canopy.serving.model;

import io.canopy.common.error.CanopyException;
import io.canopy.common.names.Missing;
import io.canopy.serving.predict.EngineChoice;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What this process serves, as one immutable value: the model manager builds a new one on every
 * change and swaps it in atomically, so a request sees either the old state or the new one.
 *
 * @param draining retired versions that may still be finishing requests
 * @param ready every version that serves traffic is loaded (or failed for good)
 */
record ServingSnapshot(
    Map<String, ServedModel> models, List<LoadedVersion> draining, boolean ready) {

  static final ServingSnapshot EMPTY = new ServingSnapshot(Map.of(), List.of(), false);

  ServedModel model(String name) {
    ServedModel model = models.get(name);
    if (model == null) {
      throw Missing.model(name);
    }
    return model;
  }

  /** True when the selected version is loaded. */
  boolean isAvailable(String modelName, VersionSelector selector) {
    ServedModel served = models.get(modelName);
    if (served == null) {
      return false;
    }
    try {
      return served.entry(served.resolve(selector)).servableSoon();
    } catch (CanopyException e) {
      return false;
    }
  }

  /** Version numbers of a model that serve now or once loaded on demand, ascending. */
  List<Long> availableVersions(String modelName) {
    List<Long> out = new ArrayList<>();
    for (VersionEntry entry : model(modelName).versions().values()) {
      if (entry.servableSoon()) {
        out.add(entry.key().version());
      }
    }
    return out;
  }

  /** Every known version's status, for one model or (empty name) for all. */
  List<VersionStatus> status(String modelName) {
    List<ServedModel> selected =
        modelName.isEmpty()
            ? models.values().stream().sorted(Comparator.comparing(ServedModel::name)).toList()
            : List.of(model(modelName));
    List<VersionStatus> out = new ArrayList<>();
    for (ServedModel model : selected) {
      for (VersionEntry entry : model.versions().values()) {
        if (entry.slot() != null) {
          out.add(status(model, entry));
        }
      }
    }
    for (LoadedVersion v : draining) {
      if (!v.isDisposed() && (modelName.isEmpty() || v.key().model().equals(modelName))) {
        out.add(
            new VersionStatus(
                v.key().model(),
                v.key().version(),
                v.meta().getSha256(),
                LoadState.UNLOADING,
                "retired; finishing in-flight requests",
                List.of(),
                Optional.of(v.availableSince()),
                Optional.of(v.predictor().engine()),
                v.charge(),
                false));
      }
    }
    return out;
  }

  private static VersionStatus status(ServedModel model, VersionEntry entry) {
    List<String> aliases = new ArrayList<>();
    model
        .aliases()
        .forEach(
            (alias, v) -> {
              if (v == entry.key().version()) {
                aliases.add(alias);
              }
            });
    aliases.sort(null);
    LoadState state;
    String reason;
    Optional<java.time.Instant> since = Optional.empty();
    Optional<EngineChoice> engine = Optional.empty();
    long charged = 0;
    switch (entry.slot()) {
      case Slot.Available a -> {
        state = LoadState.AVAILABLE;
        reason = "";
        since = Optional.of(a.version().availableSince());
        engine = Optional.of(a.version().predictor().engine());
        charged = a.version().charge();
      }
      case Slot.Resting r -> {
        state = LoadState.NOT_RESIDENT;
        reason = r.note();
      }
      case Slot.Loading l -> {
        state = LoadState.LOADING;
        reason = l.note();
      }
      case Slot.Failed f -> {
        state = LoadState.FAILED;
        reason = f.reason();
      }
      case Slot.Blocked b -> {
        state = b.waiting() ? LoadState.LOADING : LoadState.FAILED;
        reason = b.reason();
      }
    }
    return new VersionStatus(
        model.name(),
        entry.key().version(),
        entry.sha256(),
        state,
        reason,
        List.copyOf(aliases),
        since,
        engine,
        charged,
        model.pinned().contains(entry.key().version()));
  }
}
