package io.canopy.monitor.log;

import io.canopy.proto.monitor.v1.OutcomeRecord;
import io.canopy.proto.monitor.v1.PredictionRecord;
import java.util.List;

/**
 * Where serving writes prediction records and the gateway writes outcomes: the record store itself
 * (the embedded default) or Kafka topics that the monitor consumes. Called from an {@link
 * AsyncWriter}'s thread, never on a request's path; throwing drops the batch.
 */
public interface RecordLog extends AutoCloseable {

  void appendPredictions(List<PredictionRecord> records);

  void appendOutcomes(List<OutcomeRecord> outcomes);

  @Override
  void close();
}
