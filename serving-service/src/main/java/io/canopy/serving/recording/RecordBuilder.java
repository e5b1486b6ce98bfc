package io.canopy.serving.recording;

import com.google.protobuf.ByteString;
import io.canopy.common.digest.Sha256;
import io.canopy.monitor.store.Times;
import io.canopy.proto.features.v1.EntityFeatures;
import io.canopy.proto.inference.v1.RequestPart;
import io.canopy.proto.monitor.v1.PredictionRecord;
import io.canopy.proto.monitor.v1.RecordedFeature;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/** Turns a captured call into one record per row, applying the model's privacy settings. */
final class RecordBuilder {

  private RecordBuilder() {}

  /**
   * Emits the records of the rows whose request is sampled ({@code sampled} decides per request
   * id); {@code utf8} holds the encoded strings records repeat.
   */
  static void records(
      Capture c,
      ModelRecording settings,
      java.util.function.Predicate<String> sampled,
      Utf8Cache utf8,
      Consumer<PredictionRecord> out) {
    int width = c.rowCount() == 0 ? 0 : c.rows().length / c.rowCount();
    List<String> names = c.featureNames();
    boolean[] recorded = new boolean[width];
    ByteString[] encodedNames = new ByteString[width];
    for (int f = 0; f < width; f++) {
      recorded[f] = settings.records(name(names, f));
      encodedNames[f] = utf8.of(name(names, f));
    }
    ByteString model = utf8.of(c.model());
    ByteString sha256 = utf8.of(c.sha256());
    ByteString objective = utf8.of(c.objective());
    ByteString output = utf8.of(c.output());
    List<RequestPart> parts =
        c.parts().isEmpty()
            ? List.of(
                RequestPart.newBuilder()
                    .setRequestId(c.requestId())
                    .setRows(c.rowCount())
                    .setRoute("direct")
                    .build())
            : c.parts();
    int row = 0;
    for (RequestPart part : parts) {
      if (!sampled.test(part.getRequestId())) {
        row += part.getRows();
        continue;
      }
      for (int r = 0; r < part.getRows(); r++, row++) {
        PredictionRecord.Builder record =
            PredictionRecord.newBuilder()
                .setRequestId(part.getRequestId())
                .setRow(r)
                .setTime(Times.timestamp(c.epochMillis()))
                .setModelBytes(model)
                .setVersion(c.version())
                .setSha256Bytes(sha256)
                .setObjectiveBytes(objective)
                .setRouteBytes(utf8.of(part.getRoute()))
                .setShadow(part.getShadow())
                .setOutputBytes(output)
                .setLatencyNanos(c.latencyNanos());
        EntityFeatures entity = c.entities() == null ? null : c.entities().getRows(row);
        if (entity != null) {
          record.setEntityKey(
              settings.hashEntityKeys()
                  ? "sha256:" + Sha256.hex(entity.getEntityKey().getBytes(StandardCharsets.UTF_8))
                  : entity.getEntityKey());
        }
        for (int f = 0; f < width; f++) {
          if (!recorded[f]) {
            continue;
          }
          RecordedFeature.Builder feature =
              RecordedFeature.newBuilder()
                  .setNameBytes(encodedNames[f])
                  .setValue(c.rows()[row * width + f]);
          if (entity != null) {
            feature.setStatus(entity.getStatuses(f));
            if (f < entity.getEventTimesCount()) {
              feature.setEventTime(entity.getEventTimes(f));
            }
          }
          record.addFeatures(feature);
        }
        for (int o = 0; o < c.outputWidth(); o++) {
          record.addOutputs(c.outputs()[row * c.outputWidth() + o]);
        }
        out.accept(record.build());
      }
    }
  }

  private static String name(List<String> names, int f) {
    return f < names.size() ? names.get(f) : "f" + f;
  }
}
