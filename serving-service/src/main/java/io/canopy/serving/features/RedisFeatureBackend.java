package io.canopy.serving.features;

import com.google.protobuf.InvalidProtocolBufferException;
import io.canopy.common.error.CanopyException;
import io.canopy.proto.features.v1.FeatureView;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Features in Redis (Lettuce): views in the hash {@code <prefix>views}, each (view, entity) record
 * in the hash {@code <prefix>r:<view>:<entity>} of feature name → cell. Reads are pipelined HMGETs,
 * one per entity, decoded straight into the read's sink; an upsert is a Lua script per record, so
 * the newer-event-time merge is atomic. Connects lazily and fails fast (UNAVAILABLE) while Redis is
 * unreachable.
 */
final class RedisFeatureBackend implements FeatureBackend {

  private static final String UPSERT =
      """
      local stored = 0
      for i = 1, #ARGV, 2 do
        local old = redis.call('HGET', KEYS[1], ARGV[i])
        if (not old) or string.sub(old, 1, 19) <= string.sub(ARGV[i + 1], 1, 19) then
          redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
          stored = stored + 1
        end
      end
      return stored
      """;

  private final RedisClient client;
  private final String prefix;
  private final Duration timeout;
  private final byte[] viewsKey;
  private final ExecutorService connector =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "redis-features-connect");
            t.setDaemon(true);
            return t;
          });
  private CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connecting;
  private String upsertSha;

  RedisFeatureBackend(String uri, String prefix, Duration timeout) {
    this.prefix = prefix;
    this.timeout = timeout;
    this.viewsKey = bytes(prefix + "views");
    RedisURI redisUri = RedisURI.create(uri);
    redisUri.setTimeout(timeout);
    client = RedisClient.create(redisUri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .build());
    // Connect at start-up: the first connection of a process also loads and initializes much of
    // Lettuce (seconds on a busy machine), a cost no request should wait for.
    try {
      connecting = CompletableFuture.completedFuture(client.connect(ByteArrayCodec.INSTANCE));
    } catch (RedisException e) {
      connecting = CompletableFuture.failedFuture(e); // the first lookup connects again
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private byte[] recordKey(String view, String entity) {
    return bytes(prefix + "r:" + view + ":" + entity);
  }

  /**
   * The connection; UNAVAILABLE when it is not open within the lookup bound. A lookup never opens
   * it on its own thread, so a slow connect cannot hold requests past the timeout.
   */
  private RedisAsyncCommands<byte[], byte[]> redis() {
    return open().async();
  }

  /** The open connection; UNAVAILABLE as for {@link #redis()}. */
  private StatefulRedisConnection<byte[], byte[]> open() {
    try {
      return connection().get(timeout.toNanos() * 2, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(e);
    } catch (ExecutionException e) {
      throw unavailable(e.getCause());
    } catch (TimeoutException e) {
      throw unavailable(e); // still connecting; a later lookup finds it open
    }
  }

  /** The connection being opened or open, in the background; a failed attempt is started again. */
  private synchronized CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connection() {
    if (connecting == null || connecting.isCompletedExceptionally()) {
      connecting =
          CompletableFuture.supplyAsync(() -> client.connect(ByteArrayCodec.INSTANCE), connector);
    }
    return connecting;
  }

  private static CanopyException.Unavailable unavailable(Throwable e) {
    return new CanopyException.Unavailable("feature store (redis) is unavailable", e);
  }

  private <T> T await(Future<T> future) {
    try {
      return future.get(timeout.toNanos() * 2, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      throw unavailable(e);
    } catch (ExecutionException e) {
      throw unavailable(e.getCause());
    } catch (TimeoutException e) {
      future.cancel(true);
      throw unavailable(e);
    }
  }

  @Override
  public Optional<FeatureView> readView(String name) {
    byte[] bytes = await(redis().hget(viewsKey, bytes(name)));
    return bytes == null ? Optional.empty() : Optional.of(parse(bytes));
  }

  private static FeatureView parse(byte[] bytes) {
    try {
      return FeatureView.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt feature view in redis", e);
    }
  }

  @Override
  public List<FeatureView> readViews() {
    Map<byte[], byte[]> all = await(redis().hgetall(viewsKey));
    List<FeatureView> views = new ArrayList<>();
    all.values().forEach(v -> views.add(parse(v)));
    views.sort(Comparator.comparing(FeatureView::getName));
    return views;
  }

  @Override
  public void writeView(FeatureView view) {
    await(redis().hset(viewsKey, bytes(view.getName()), view.toByteArray()));
  }

  @Override
  public void deleteView(String name) {
    RedisAsyncCommands<byte[], byte[]> redis = redis();
    await(redis.hdel(viewsKey, bytes(name)));
    ScanArgs match =
        ScanArgs.Builder.matches(bytes(glob(prefix + "r:" + name + ":") + "*")).limit(500);
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<byte[]> page = await(redis.scan(cursor, match));
      if (!page.getKeys().isEmpty()) {
        await(redis.unlink(page.getKeys().toArray(new byte[0][])));
      }
      cursor = page;
    } while (!cursor.isFinished());
  }

  /** Escapes Redis glob characters, so a prefix matches only itself. */
  private static String glob(String literal) {
    StringBuilder out = new StringBuilder();
    for (char c : literal.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  @Override
  public boolean readsWholeRecords(boolean everyFeature) {
    return everyFeature;
  }

  @Override
  public long read(
      String view,
      List<String> entityKeys,
      List<String> features,
      boolean everyFeature,
      CellSink cells) {
    StatefulRedisConnection<byte[], byte[]> redis = open();
    // Every feature: HGETALL, one walk of the hash (HMGET of every field scans a small hash once
    // per field), the fields matched by name here. Otherwise HMGET of the asked-for fields.
    FeatureNames names = everyFeature ? new FeatureNames(features) : null;
    byte[][] fields = new byte[everyFeature ? 0 : features.size()][];
    for (int f = 0; f < fields.length; f++) {
      fields[f] = bytes(features.get(f));
    }
    // One command per entity, all written to the socket at once (one write, one flush): Redis
    // reads them in one go and answers them back to back. Each reply goes to the sink as it is
    // decoded.
    List<AsyncCommand<byte[], byte[], Long>> pending = new ArrayList<>(entityKeys.size());
    for (int e = 0; e < entityKeys.size(); e++) {
      CommandArgs<byte[], byte[]> args =
          new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(recordKey(view, entityKeys.get(e)));
      Command<byte[], byte[], Long> command =
          everyFeature
              ? new Command<>(CommandType.HGETALL, RedisCells.named(e, names, cells), args)
              : new Command<>(
                  CommandType.HMGET, RedisCells.positional(e, cells), args.addValues(fields));
      pending.add(new AsyncCommand<>(command));
    }
    redis.dispatch(pending);
    // Replies complete in the order sent: waiting for the last wakes this thread once, not once
    // per entity; the others are then complete (awaited for their errors).
    if (!pending.isEmpty()) {
      await(pending.get(pending.size() - 1));
    }
    long fetched = 0;
    for (AsyncCommand<byte[], byte[], Long> reply : pending) {
      fetched += await(reply);
    }
    return fetched;
  }

  @Override
  public int[] upsert(String view, List<String> entityKeys, List<Map<String, byte[]>> cells) {
    RedisAsyncCommands<byte[], byte[]> redis = redis();
    String sha = upsertSha(redis);
    List<RedisFuture<Long>> pending = new ArrayList<>();
    for (int i = 0; i < entityKeys.size(); i++) {
      byte[][] keys = {recordKey(view, entityKeys.get(i))};
      byte[][] args = new byte[cells.get(i).size() * 2][];
      int a = 0;
      for (Map.Entry<String, byte[]> cell : cells.get(i).entrySet()) {
        args[a++] = bytes(cell.getKey());
        args[a++] = cell.getValue();
      }
      pending.add(redis.evalsha(sha, ScriptOutputType.INTEGER, keys, args));
    }
    int[] stored = new int[entityKeys.size()];
    for (int i = 0; i < stored.length; i++) {
      stored[i] =
          Math.toIntExact(
              awaitScript(pending.get(i), redis, entityKeys.get(i), view, cells.get(i)));
    }
    return stored;
  }

  /** A script flushed from Redis' cache (SCRIPT FLUSH, a restart) is sent again in full. */
  private long awaitScript(
      RedisFuture<Long> future,
      RedisAsyncCommands<byte[], byte[]> redis,
      String entity,
      String view,
      Map<String, byte[]> cells) {
    try {
      return await(future);
    } catch (CanopyException.Unavailable e) {
      if (!(e.getCause() instanceof RedisNoScriptException)) {
        throw e;
      }
      byte[][] args = new byte[cells.size() * 2][];
      int a = 0;
      for (Map.Entry<String, byte[]> cell : cells.entrySet()) {
        args[a++] = bytes(cell.getKey());
        args[a++] = cell.getValue();
      }
      byte[][] keys = {recordKey(view, entity)};
      Long stored = await(redis.<Long>eval(bytes(UPSERT), ScriptOutputType.INTEGER, keys, args));
      return stored;
    }
  }

  private synchronized String upsertSha(RedisAsyncCommands<byte[], byte[]> redis) {
    if (upsertSha == null) {
      upsertSha = await(redis.scriptLoad(bytes(UPSERT)));
    }
    return upsertSha;
  }

  @Override
  public synchronized void close() {
    connector.shutdownNow();
    // A connection still being opened is closed by the client's shutdown.
    if (connecting != null && !connecting.cancel(false) && !connecting.isCompletedExceptionally()) {
      connecting.join().close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
