package io.canopy.monitor.log;

import io.canopy.monitor.store.MonitorStore;
import io.canopy.proto.monitor.v1.OutcomeRecord;
import io.canopy.proto.monitor.v1.PredictionRecord;
import java.util.List;

/** Writes straight into the record store (SQLite under .canopy/ by default). */
public final class StoreRecordLog implements RecordLog {

  private final MonitorStore store;

  public StoreRecordLog(MonitorStore store) {
    this.store = store;
  }

  @Override
  public void appendPredictions(List<PredictionRecord> records) {
    store.addPredictions(records);
  }

  @Override
  public void appendOutcomes(List<OutcomeRecord> outcomes) {
    store.addOutcomes(outcomes);
  }

  @Override
  public void close() {
    store.close();
  }
}
