package io.canopy.registry.validation;

import com.google.protobuf.InvalidProtocolBufferException;
import io.canopy.proto.registry.v1.ModelVersion;
import java.util.Base64;
import java.util.Optional;

/**
 * The line the probe child prints on stdout: a marker and the base64 of a serialized {@link
 * ModelVersion}. The marker lets the parent ignore anything else a native library prints there.
 */
final class ProbeOutput {

  static final String MARKER = "canopy-probe-result:";

  /** What a serving child prints once, when it is ready for requests. */
  static final String READY = "canopy-probe-ready";

  /** Longest request (a file path) a serving child accepts. */
  static final int MAX_REQUEST_BYTES = 4096;

  private ProbeOutput() {}

  static String encode(ModelVersion result) {
    return MARKER + Base64.getEncoder().encodeToString(result.toByteArray());
  }

  /** The result in the last marker line of {@code stdout}, or empty if none parses. */
  static Optional<ModelVersion> decode(String stdout) {
    int at = stdout.lastIndexOf(MARKER);
    if (at < 0) {
      return Optional.empty();
    }
    int end = stdout.indexOf('\n', at);
    String payload = stdout.substring(at + MARKER.length(), end < 0 ? stdout.length() : end).trim();
    try {
      return Optional.of(ModelVersion.parseFrom(Base64.getDecoder().decode(payload)));
    } catch (IllegalArgumentException | InvalidProtocolBufferException e) {
      return Optional.empty();
    }
  }
}
