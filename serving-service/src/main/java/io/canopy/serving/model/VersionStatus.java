package io.canopy.serving.model;

import io.canopy.serving.predict.EngineChoice;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One version as this process sees it.
 *
 * @param aliases aliases this process currently serves with it (including "latest")
 * @param availableSince when it became available; empty unless it was loaded
 * @param engine the engine small batches use and why; empty unless it was loaded
 * @param chargedBytes what it is charged against the memory budget; 0 unless loaded
 * @param pinned kept in memory whatever the budget (its model's traffic policy is pinned)
 */
public record VersionStatus(
    String model,
    long version,
    String sha256,
    LoadState state,
    String reason,
    List<String> aliases,
    Optional<Instant> availableSince,
    Optional<EngineChoice> engine,
    long chargedBytes,
    boolean pinned) {}
