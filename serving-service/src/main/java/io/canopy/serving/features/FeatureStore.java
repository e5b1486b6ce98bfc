package io.canopy.serving.features;

import com.google.protobuf.Timestamp;
import io.canopy.common.error.CanopyException;
import io.canopy.proto.features.v1.Feature;
import io.canopy.proto.features.v1.FeatureLayout;
import io.canopy.proto.features.v1.FeatureRow;
import io.canopy.proto.features.v1.FeatureValue;
import io.canopy.proto.features.v1.FeatureView;
import io.canopy.proto.features.v1.GetOnlineFeaturesResponse;
import io.canopy.proto.features.v1.ListFeatureViewsResponse;
import io.canopy.proto.features.v1.WriteFeaturesResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The online feature store: validates views, writes and reads against the views' schemas, and
 * decides PRESENT / NOT_FOUND / EXPIRED with the injected clock. Storage is a {@link
 * FeatureBackend}; view definitions are cached briefly ({@link ViewCache}).
 */
public final class FeatureStore implements AutoCloseable {

  static final int MAX_ENTITY_KEYS = 10_000;
  private static final int DEFAULT_PAGE = 100;
  private static final int MAX_PAGE = 1000;

  /** What a lookup answers per value besides the value itself: status, event time, framing. */
  private static final int VALUE_OVERHEAD_BYTES = 24;

  /** Bytes a non-STRING value may take at most (a double, an int64). */
  private static final int FIXED_VALUE_BYTES = 16;

  private final FeatureBackend backend;
  private final Clock clock;
  private final ViewCache views;
  private final FeatureLimits limits;

  FeatureStore(
      FeatureBackend backend, Clock clock, java.time.Duration viewCacheTtl, FeatureLimits limits) {
    this.backend = backend;
    this.clock = clock;
    this.views = new ViewCache(backend, clock, viewCacheTtl);
    this.limits = limits;
  }

  /**
   * Opens the configured backend (RocksDB opens its directory now; Redis connects on first use).
   */
  public static FeatureStore open(FeatureSettings settings, Clock clock) {
    FeatureBackend backend =
        switch (settings.backend()) {
          case ROCKSDB -> new RocksDbFeatureBackend(settings.rocksdbPath());
          case REDIS ->
              new RedisFeatureBackend(
                  settings.redisUri(), settings.redisKeyPrefix(), settings.redisTimeout());
        };
    return new FeatureStore(backend, clock, settings.viewCacheTtl(), settings.limits());
  }

  public FeatureView create(FeatureView view, boolean replace) {
    ViewValidation.check(view);
    FeatureView.Builder stored = view.toBuilder().setCreateTime(timestamp(clock.instant()));
    var existing = backend.readView(view.getName());
    if (existing.isPresent()) {
      if (!replace) {
        throw new CanopyException.AlreadyExists(
            "feature view '" + view.getName() + "' exists; set replace to replace it");
      }
      stored.setCreateTime(existing.get().getCreateTime());
    }
    FeatureView result = stored.build();
    backend.writeView(result);
    views.put(result);
    return result;
  }

  /** The view, or NOT_FOUND. */
  public FeatureView view(String name) {
    return views.get(name);
  }

  public ListFeatureViewsResponse list(int pageSize, String pageToken) {
    if (pageSize < 0) {
      throw new CanopyException.InvalidArgument("page_size", "must not be negative");
    }
    int size = pageSize == 0 ? DEFAULT_PAGE : Math.min(pageSize, MAX_PAGE);
    ListFeatureViewsResponse.Builder page = ListFeatureViewsResponse.newBuilder();
    // The token is the last name of the previous page; names sort, so it resumes after it.
    for (FeatureView view : backend.readViews()) {
      if (view.getName().compareTo(pageToken) <= 0 && !pageToken.isEmpty()) {
        continue;
      }
      if (page.getFeatureViewsCount() == size) {
        page.setNextPageToken(page.getFeatureViews(size - 1).getName());
        break;
      }
      page.addFeatureViews(view);
    }
    return page.build();
  }

  public void delete(String name) {
    view(name);
    backend.deleteView(name);
    views.remove(name);
  }

  /** Upserts rows; a value older than the stored one is skipped (counted stale). */
  public WriteFeaturesResponse write(String viewName, List<FeatureRow> rows) {
    FeatureView view = view(viewName);
    Map<String, Feature> schema = schema(view);
    long now = nanos(clock.instant());
    int valueLimit = limits.valueLimit(view.getMaxValueBytes());
    List<String> keys = new ArrayList<>(rows.size());
    List<Map<String, byte[]>> cells = new ArrayList<>(rows.size());
    for (int r = 0; r < rows.size(); r++) {
      FeatureRow row = rows.get(r);
      if (row.getEntityKey().isEmpty()) {
        throw new CanopyException.InvalidArgument(
            "rows[" + r + "].entity_key", "an entity key is required");
      }
      long eventNanos = row.hasEventTime() ? nanos(row.getEventTime()) : now;
      if (eventNanos < 0) {
        throw new CanopyException.InvalidArgument(
            "rows[" + r + "].event_time", "event times before 1970 are not supported");
      }
      Map<String, byte[]> rowCells = new HashMap<>();
      for (Map.Entry<String, FeatureValue> value : row.getValuesMap().entrySet()) {
        Feature feature = schema.get(value.getKey());
        if (feature == null) {
          throw new CanopyException.InvalidArgument(
              "rows[" + r + "].values",
              "view '" + viewName + "' has no feature '" + value.getKey() + "'");
        }
        if (!ValueTypes.matches(feature.getType(), value.getValue())) {
          throw new CanopyException.InvalidArgument(
              "rows[" + r + "].values",
              "feature '" + value.getKey() + "' takes " + feature.getType() + " values");
        }
        if (value.getValue().hasStringValue()) {
          int bytes = value.getValue().getStringValueBytes().size();
          if (bytes > valueLimit) {
            throw new CanopyException.InvalidArgument(
                "rows[" + r + "].values",
                "feature '"
                    + value.getKey()
                    + "' holds "
                    + bytes
                    + " bytes, over the limit of "
                    + valueLimit
                    + " bytes (the view's max_value_bytes, at most"
                    + " serving.features.max-value-bytes)");
          }
        }
        rowCells.put(value.getKey(), Cells.encode(eventNanos, value.getValue()));
      }
      keys.add(row.getEntityKey());
      cells.add(rowCells);
    }
    int[] stored = backend.upsert(viewName, keys, cells);
    long written = 0;
    for (int r = 0; r < stored.length; r++) {
      if (stored[r] > 0 || cells.get(r).isEmpty()) {
        written++;
      }
    }
    return WriteFeaturesResponse.newBuilder()
        .setRowsWritten(written)
        .setRowsStale(stored.length - written)
        .build();
  }

  /**
   * Reads {@code features} (empty: all of the view's) for each entity key, in request order, as
   * rows.
   */
  public GetOnlineFeaturesResponse read(
      String viewName, List<String> entityKeys, List<String> features) {
    return read(viewName, entityKeys, features, FeatureLayout.FEATURE_LAYOUT_ROWS);
  }

  /** Reads as {@link #read(String, List, List)} does, in {@code layout} (unspecified: rows). */
  public GetOnlineFeaturesResponse read(
      String viewName, List<String> entityKeys, List<String> features, FeatureLayout layout) {
    if (layout == FeatureLayout.UNRECOGNIZED) {
      throw new CanopyException.InvalidArgument(
          "layout", "unknown layout; use FEATURE_LAYOUT_ROWS or FEATURE_LAYOUT_COLUMNS");
    }
    FeatureView view = view(viewName);
    List<Feature> columns = columns(view, features, "features");
    if (entityKeys.isEmpty() || entityKeys.size() > MAX_ENTITY_KEYS) {
      throw new CanopyException.InvalidArgument(
          "entity_keys", "send 1 to " + MAX_ENTITY_KEYS + " entity keys, got " + entityKeys.size());
    }
    List<String> names = new ArrayList<>(columns.size());
    for (Feature column : columns) {
      names.add(column.getName());
    }
    // Each distinct feature and each distinct key is read once, however often it is asked for.
    int[] cellOf = new int[names.size()];
    List<String> readNames = distinct(names, cellOf);
    int[] multiplicity = new int[readNames.size()];
    for (int cell : cellOf) {
      multiplicity[cell]++;
    }
    int[] entityOf = new int[entityKeys.size()];
    List<String> keys = distinct(entityKeys, entityOf);
    FoundCells found = readWithinBudget(view, keys, columns, readNames, multiplicity);
    long overhead = (long) VALUE_OVERHEAD_BYTES * columns.size();
    long responseBytes = 0;
    for (int k = 0; k < entityOf.length; k++) {
      responseBytes += entityKeys.get(k).length() + overhead + found.entityBytes(entityOf[k]);
    }
    if (responseBytes > limits.maxResponseBytes()) {
      throw tooLarge(
          "the answer would be about " + responseBytes + " bytes", "fewer entities or features");
    }
    OnlineAnswer answer =
        new OnlineAnswer(entityKeys, entityOf, columns, names, cellOf, found, expiredBefore(view));
    return layout == FeatureLayout.FEATURE_LAYOUT_COLUMNS ? answer.asColumns() : answer.asRows();
  }

  /**
   * The distinct {@code values} in first-seen order; {@code indexOf[i]} is set to the position of
   * {@code values[i]} among them.
   */
  private static List<String> distinct(List<String> values, int[] indexOf) {
    Map<String, Integer> seen = new HashMap<>();
    List<String> distinct = new ArrayList<>();
    for (int i = 0; i < indexOf.length; i++) {
      Integer known = seen.putIfAbsent(values.get(i), distinct.size());
      if (known == null) {
        indexOf[i] = distinct.size();
        distinct.add(values.get(i));
      } else {
        indexOf[i] = known;
      }
    }
    return distinct;
  }

  /**
   * Reads {@code keys} in slices sized so that even values at the view's size limit stay within the
   * response budget — whole records where the backend reads them whole — and stops as soon as what
   * was fetched exceeds it: a lookup never holds much more than the budget, whatever the request
   * asks for. What counts is what the backend fetched, not only the asked-for cells, so values of
   * features the view has since dropped count too; slices after one whose records were larger than
   * the view's worst shrink to what is left of the budget.
   */
  private FoundCells readWithinBudget(
      FeatureView view,
      List<String> keys,
      List<Feature> columns,
      List<String> names,
      int[] multiplicity) {
    int valueLimit = limits.valueLimit(view.getMaxValueBytes());
    boolean everyFeature = names.size() == view.getFeaturesCount();
    boolean wholeRecords = backend.readsWholeRecords(everyFeature);
    long worstPerKey =
        Math.max(
            worstBytes(columns, valueLimit),
            wholeRecords ? worstBytes(view.getFeaturesList(), valueLimit) : 0);
    long budget = limits.maxResponseBytes();
    int slice = (int) Math.max(1, Math.min(keys.size(), budget / worstPerKey));
    FoundCells found = new FoundCells(keys.size(), multiplicity);
    long overhead = (long) VALUE_OVERHEAD_BYTES * columns.size();
    long keyBytes = 0;
    long fetched = 0;
    for (int from = 0; from < keys.size(); ) {
      int to = Math.min(keys.size(), from + slice);
      int first = from;
      long sliceBytes =
          backend.read(
              view.getName(),
              keys.subList(from, to),
              names,
              everyFeature,
              (entity, feature, bytes, offset, length) ->
                  found.cell(first + entity, feature, bytes, offset, length));
      fetched += sliceBytes;
      for (int k = from; k < to; k++) {
        keyBytes += keys.get(k).length() + overhead;
      }
      long readBytes = keyBytes + Math.max(found.cellBytes(), fetched);
      if (readBytes > budget) {
        throw tooLarge(
            "more than " + readBytes + " bytes were read before the lookup was stopped",
            wholeRecords ? "fewer entities" : "fewer entities or features");
      }
      long perKey = Math.max(worstPerKey, sliceBytes / (to - from));
      slice = (int) Math.max(1, Math.min(slice, (budget - readBytes) / perKey));
      from = to;
    }
    return found;
  }

  /** The most bytes {@code features}' stored values can take for one entity under the limit. */
  private static long worstBytes(List<Feature> features, int valueLimit) {
    long worst = 0;
    for (Feature feature : features) {
      worst +=
          VALUE_OVERHEAD_BYTES
              + (feature.getType() == io.canopy.proto.features.v1.ValueType.VALUE_TYPE_STRING
                  ? valueLimit
                  : FIXED_VALUE_BYTES);
    }
    return Math.max(1, worst);
  }

  /**
   * {@code fewer}: what to ask for fewer of (a whole-record read costs the same for any feature).
   */
  private CanopyException.ResourceExhausted tooLarge(String what, String fewer) {
    return new CanopyException.ResourceExhausted(
        "feature lookup too large: "
            + what
            + ", over serving.features.max-response-bytes ("
            + limits.maxResponseBytes()
            + "); ask for "
            + fewer);
  }

  /**
   * Predict-by-entity: reads {@code features} of {@code viewName} for each key as floats; see
   * {@link EntityMatrix#lookup}.
   */
  public EntityMatrix matrix(
      String viewName, List<String> features, List<String> entityKeys, String field) {
    return EntityMatrix.lookup(this, viewName, features, entityKeys, field);
  }

  /** Event times before this are expired; Long.MIN_VALUE when the view has no TTL. */
  private long expiredBefore(FeatureView view) {
    if (!view.hasTtl() || (view.getTtl().getSeconds() == 0 && view.getTtl().getNanos() == 0)) {
      return Long.MIN_VALUE;
    }
    long ttl = view.getTtl().getSeconds() * 1_000_000_000L + view.getTtl().getNanos();
    return nanos(clock.instant()) - ttl;
  }

  /** The requested features of a view in order (all when none are named); INVALID when unknown. */
  static List<Feature> columns(FeatureView view, List<String> features, String field) {
    if (features.isEmpty()) {
      return view.getFeaturesList();
    }
    Map<String, Feature> schema = schema(view);
    List<Feature> columns = new ArrayList<>(features.size());
    for (String name : features) {
      Feature feature = schema.get(name);
      if (feature == null) {
        throw new CanopyException.InvalidArgument(
            field, "view '" + view.getName() + "' has no feature '" + name + "'");
      }
      columns.add(feature);
    }
    return columns;
  }

  private static Map<String, Feature> schema(FeatureView view) {
    Map<String, Feature> schema = new HashMap<>();
    view.getFeaturesList().forEach(f -> schema.put(f.getName(), f));
    return schema;
  }

  static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static long nanos(Timestamp t) {
    return t.getSeconds() * 1_000_000_000L + t.getNanos();
  }

  private static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  static Timestamp timestamp(long nanos) {
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(nanos, 1_000_000_000L))
        .setNanos((int) Math.floorMod(nanos, 1_000_000_000L))
        .build();
  }

  @Override
  public void close() {
    backend.close();
  }
}
