package io.canopy.serving.features;

import io.canopy.proto.features.v1.FeatureView;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Storage of feature views and values. Values are kept as one record per (view, entity) mapping a
 * feature name to a cell ({@link Cells}: event time + value), so reading one entity is one read.
 * Implementations turn an unreachable store into {@code CanopyException.Unavailable}.
 */
interface FeatureBackend extends AutoCloseable {

  Optional<FeatureView> readView(String name);

  /** Every view, in name order. */
  List<FeatureView> readViews();

  void writeView(FeatureView view);

  /** Deletes a view and every value stored under it. */
  void deleteView(String name);

  /**
   * Hands each stored cell of {@code features} (distinct names) for each entity key to {@code
   * cells}, as {@code (entity index, feature index, bytes)}; nothing where nothing is stored. The
   * bytes are valid only during the call. {@code everyFeature} says {@code features} are all of the
   * view's: a backend may then read whole records and drop what was not asked for.
   *
   * @return the bytes of stored values (and, where a record is read whole, of its names) this read
   *     fetched, handed on or not: a whole record read for one feature counts whole, so does a
   *     record's value of a feature the view has since dropped
   */
  long read(
      String view,
      List<String> entityKeys,
      List<String> features,
      boolean everyFeature,
      CellSink cells);

  /**
   * Whether a {@link #read} with this {@code everyFeature} fetches every stored value of a record,
   * not only the asked-for features' (the caller then sizes its reads by the whole view).
   */
  boolean readsWholeRecords(boolean everyFeature);

  /** Receives the cells a {@link #read} finds. */
  @FunctionalInterface
  interface CellSink {
    void cell(int entity, int feature, byte[] bytes, int offset, int length);
  }

  /**
   * Merges each row's cells into its record atomically per record: a cell replaces the stored one
   * only when its event time is not older. Returns, per row, how many cells were stored.
   */
  int[] upsert(String view, List<String> entityKeys, List<Map<String, byte[]>> cells);

  @Override
  void close();
}
