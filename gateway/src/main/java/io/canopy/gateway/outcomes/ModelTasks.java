package io.canopy.gateway.outcomes;

import io.canopy.gateway.routing.RoutingTable;
import io.canopy.gateway.upstream.RegistryClient;
import io.canopy.monitor.quality.Task;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelVersion;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What kind of truth a model's outcomes carry, from its newest version's objective (a label for
 * classifiers, with the number of classes; a value otherwise). Read from the registry once per
 * newest version and kept.
 */
final class ModelTasks {

  /** The task of a model as of its newest version {@code version}. */
  record Kind(long version, Task task, int classes) {}

  private final RoutingTable table;
  private final RegistryClient registry;
  private final ConcurrentHashMap<String, Kind> kinds = new ConcurrentHashMap<>();

  ModelTasks(RoutingTable table, RegistryClient registry) {
    this.table = table;
    this.registry = registry;
  }

  /** Empty when the gateway does not know the model. Blocks on the registry when stale. */
  Optional<Kind> of(String model) {
    Optional<Model> known = table.model(model);
    if (known.isEmpty()) {
      return Optional.empty();
    }
    long latest = known.get().getLatestVersion();
    Kind kind = kinds.get(model);
    if (kind != null && kind.version() == latest) {
      return Optional.of(kind);
    }
    // Only the newest version is read, not the model's whole version list; one the registry no
    // longer has takes any outcome (UNSCORED), as before.
    Kind fresh = new Kind(latest, Task.UNSCORED, 0);
    try {
      ModelVersion v = registry.version(model, latest);
      int classes = v.getNumClasses() > 0 ? v.getNumClasses() : 2;
      fresh = new Kind(latest, Task.of(v.getObjective()), classes);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
    }
    kinds.put(model, fresh);
    return Optional.of(fresh);
  }
}
