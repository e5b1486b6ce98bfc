package io.canopy.monitor.drift;

import io.canopy.proto.registry.v1.GetVersionReferenceRequest;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.ReferenceSample;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reference samples read from the registry (GetVersionReference) and kept for a while: a sample set
 * after the version's first report is picked up within {@code ttl}. The cache holds at most {@code
 * maxBytes} of samples; beyond that samples are read again each time.
 */
public final class RegistryReferences implements ReferenceSource {

  private static final Logger LOG = Logger.getLogger(RegistryReferences.class.getName());

  private record Key(String model, long version) {}

  private record Entry(Optional<ReferenceSample> sample, long readAt, long bytes) {}

  private final ModelRegistryServiceGrpc.ModelRegistryServiceBlockingStub registry;
  private final Duration ttl;
  private final long maxBytes;
  private final Clock clock;
  private final ConcurrentHashMap<Key, Entry> cache = new ConcurrentHashMap<>();
  private final AtomicLong cachedBytes = new AtomicLong();

  public RegistryReferences(
      ModelRegistryServiceGrpc.ModelRegistryServiceBlockingStub registry,
      Duration ttl,
      long maxBytes,
      Clock clock) {
    this.registry = registry;
    this.ttl = ttl;
    this.maxBytes = maxBytes;
    this.clock = clock;
  }

  @Override
  public Optional<ReferenceSample> of(String model, long version) {
    Key key = new Key(model, version);
    long now = clock.millis();
    Entry cached = cache.get(key);
    if (cached != null && now - cached.readAt() < ttl.toMillis()) {
      return cached.sample();
    }
    Optional<ReferenceSample> sample;
    try {
      sample =
          Optional.of(
              registry
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .getVersionReference(
                      GetVersionReferenceRequest.newBuilder()
                          .setModel(model)
                          .setVersion(version)
                          .build())
                  .getSample());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        // The registry is away: the live baseline stands in, and the next report asks again.
        LOG.log(Level.FINE, "reading the reference of " + model + " v" + version + " failed", e);
        return Optional.empty();
      }
      sample = Optional.empty();
    }
    long bytes = sample.map(ReferenceSample::getSerializedSize).orElse(0);
    Entry old = cache.remove(key);
    if (old != null) {
      cachedBytes.addAndGet(-old.bytes());
    }
    if (cachedBytes.addAndGet(bytes) <= maxBytes) {
      cache.put(key, new Entry(sample, now, bytes));
    } else {
      cachedBytes.addAndGet(-bytes);
    }
    return sample;
  }
}
