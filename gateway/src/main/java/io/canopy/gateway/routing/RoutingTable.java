package io.canopy.gateway.routing;

import io.canopy.proto.registry.v1.Model;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The models the registry's watch stream has shown so far (aliases, latest version, traffic
 * policy), replaced copy-on-write so that routing reads never lock.
 */
public final class RoutingTable {

  private final AtomicReference<Map<String, Model>> models = new AtomicReference<>(Map.of());
  private volatile long revision;

  public Optional<Model> model(String name) {
    return Optional.ofNullable(models.get().get(name));
  }

  /** The last registry revision applied; 0 before the first snapshot. */
  public long revision() {
    return revision;
  }

  void replaceAll(Iterable<Model> snapshot, long atRevision) {
    Map<String, Model> next = new HashMap<>();
    for (Model m : snapshot) {
      next.put(m.getName(), m);
    }
    models.set(Map.copyOf(next));
    revision = atRevision;
  }

  void upsert(Model model, long atRevision) {
    models.updateAndGet(
        current -> {
          Map<String, Model> next = new HashMap<>(current);
          next.put(model.getName(), model);
          return Map.copyOf(next);
        });
    revision = atRevision;
  }

  void advance(long atRevision) {
    revision = atRevision;
  }

  void delete(String name, long atRevision) {
    models.updateAndGet(
        current -> {
          Map<String, Model> next = new HashMap<>(current);
          next.remove(name);
          return Map.copyOf(next);
        });
    revision = atRevision;
  }
}
