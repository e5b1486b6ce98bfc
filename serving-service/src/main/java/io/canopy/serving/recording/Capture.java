package io.canopy.serving.recording;

import io.canopy.proto.features.v1.GetOnlineFeaturesResponse;
import io.canopy.proto.inference.v1.RequestPart;
import io.canopy.serving.model.Lease;
import io.canopy.serving.predict.PredictionKind;
import java.util.List;

/**
 * What one Predict call computed, captured by reference on the request's thread (no copies: the
 * arrays are the call's own and never reused) and turned into records later, on the writer's
 * thread.
 *
 * @param requestId the call's request id (for rows no part claims)
 * @param parts the call's request parts (a merged gateway batch), or empty
 * @param rows row-major inputs as the model saw them, {@code rowCount} × {@code featureNames}
 * @param entities for entity rows: the lookup as read (keys, statuses, event times), else null
 * @param output the output kind's name ("value", "margin", ...)
 * @param outputs row-major outputs, {@code outputWidth} per row
 */
public record Capture(
    String model,
    long version,
    String sha256,
    String objective,
    List<String> featureNames,
    String requestId,
    List<RequestPart> parts,
    float[] rows,
    int rowCount,
    GetOnlineFeaturesResponse entities,
    String output,
    float[] outputs,
    int outputWidth,
    long epochMillis,
    long latencyNanos) {

  /**
   * A call computed by {@code lease}: its version's identity and feature names, with the call's own
   * arrays (not copied).
   */
  public static Capture of(
      Lease lease,
      String requestId,
      List<RequestPart> parts,
      float[] rows,
      int rowCount,
      GetOnlineFeaturesResponse entities,
      PredictionKind kind,
      float[] outputs,
      long latencyNanos) {
    return new Capture(
        lease.model(),
        lease.version(),
        lease.sha256(),
        lease.objective(),
        lease.featureNames(),
        requestId,
        parts,
        rows,
        rowCount,
        entities,
        kind.label(),
        outputs,
        rowCount == 0 ? 0 : outputs.length / rowCount,
        System.currentTimeMillis(),
        latencyNanos);
  }

  /** Approximate heap bytes held while buffered (what the writer's budget counts). */
  long bytes() {
    long bytes = 256L + 4L * rows.length + 4L * outputs.length;
    if (entities != null) {
      bytes += entities.getSerializedSize();
    }
    return bytes;
  }
}
