package io.canopy.serving.recording;

import io.canopy.monitor.log.AsyncWriter;
import io.canopy.monitor.log.RecordLog;
import io.canopy.monitor.log.Sampling;
import io.canopy.proto.monitor.v1.PredictionRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Records serving's predictions without slowing them: {@link #record} samples and buffers a {@link
 * Capture} (references only); the writer's thread builds the records and appends them to the {@link
 * RecordLog}. A full buffer or a failing log drops records and counts them; nothing here ever fails
 * or delays a prediction.
 */
public final class PredictionRecorder implements AutoCloseable {

  /** Records nothing. */
  public static final PredictionRecorder OFF = new PredictionRecorder();

  /** Counts records by what happened to them. */
  public interface Counts {
    Counts NOOP = new Counts() {};

    default void written(long records) {}

    default void dropped(String reason, long records) {}
  }

  private final RecordingSettings settings;
  private final AsyncWriter<Capture> writer;
  private final RecordLog log;
  private final Utf8Cache utf8 = new Utf8Cache(); // the writer's thread only

  private PredictionRecorder() {
    this.settings = RecordingSettings.off();
    this.writer = null;
    this.log = null;
  }

  public PredictionRecorder(RecordingSettings settings, RecordLog log, Counts counts) {
    this.settings = settings;
    this.log = log;
    this.writer =
        new AsyncWriter<>(
            "canopy-prediction-records",
            settings.bufferBytes(),
            settings.batchCalls(),
            batch -> write(batch, counts),
            new AsyncWriter.Weigher<>() {
              @Override
              public long bytes(Capture c) {
                return c.bytes();
              }

              @Override
              public int records(Capture c) {
                return c.rowCount();
              }
            },
            counts::dropped,
            Duration.ofSeconds(2),
            settings.flushInterval());
  }

  /**
   * Whether any row of a call of {@code model} may be recorded: false skips capturing. The real
   * decision is per request id, on the writer's thread.
   */
  public boolean wants(String model) {
    return writer != null && settings.forModel(model).sampleRate() > 0;
  }

  /** Buffers a call's rows for recording; never blocks, never throws. */
  public void record(Capture capture) {
    if (writer != null) {
      writer.offer(capture);
    }
  }

  private void write(List<Capture> batch, Counts counts) {
    List<PredictionRecord> records = new ArrayList<>();
    for (Capture c : batch) {
      ModelRecording model = settings.forModel(c.model());
      RecordBuilder.records(
          c,
          model,
          id -> Sampling.sampled(id, model.sampleRate(), Sampling.RECORDING),
          utf8,
          records::add);
    }
    if (!records.isEmpty()) {
      log.appendPredictions(records);
      counts.written(records.size());
    }
  }

  /** Waits until what was recorded so far reached the log (tests and the demo). */
  public boolean awaitWritten(Duration timeout) throws InterruptedException {
    return writer == null || writer.awaitDrained(timeout);
  }

  /** Writes what is buffered (for at most 5 s), then closes the log. */
  @Override
  public void close() {
    if (writer != null) {
      writer.close(Duration.ofSeconds(5));
      log.close();
    }
  }
}
