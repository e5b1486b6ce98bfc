package io.canopy.serving.features;

import io.canopy.common.testing.ProcessSuite;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/**
 * The FeatureStore contract on the Redis server at 127.0.0.1:6379. Every test writes under its own
 * key prefix and deletes its keys afterwards.
 */
@ProcessSuite
class RedisFeatureStoreTest extends FeatureStoreContract {

  static final String URI = "redis://127.0.0.1:6379";

  private final String prefix = "canopy-test:" + UUID.randomUUID() + ":";

  @Override
  FeatureBackend openBackend() {
    return new RedisFeatureBackend(URI, prefix, Duration.ofSeconds(2));
  }

  @AfterEach
  void deleteKeys() {
    deleteKeys(prefix);
  }

  static void deleteKeys(String prefix) {
    RedisClient client = RedisClient.create(URI);
    try (StatefulRedisConnection<String, String> redis = client.connect()) {
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<String> page =
            redis.sync().scan(cursor, ScanArgs.Builder.matches(prefix + "*"));
        if (!page.getKeys().isEmpty()) {
          redis.sync().unlink(page.getKeys().toArray(new String[0]));
        }
        cursor = page;
      } while (!cursor.isFinished());
    } finally {
      client.shutdown();
    }
  }
}
