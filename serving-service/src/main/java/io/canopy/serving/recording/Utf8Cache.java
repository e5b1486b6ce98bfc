package io.canopy.serving.recording;

import com.google.protobuf.ByteString;
import java.util.HashMap;
import java.util.Map;

/**
 * The UTF-8 bytes of the strings every record repeats (model, sha256, objective, route, output
 * kind, feature names), encoded once instead of twice per record (protobuf sizes a String field,
 * then encodes it). Used by the writer's thread only; bounded: it starts over past {@value
 * #MAX_ENTRIES} strings.
 */
final class Utf8Cache {

  private static final int MAX_ENTRIES = 4096;

  private final Map<String, ByteString> bytes = new HashMap<>();

  ByteString of(String s) {
    ByteString b = bytes.get(s);
    if (b == null) {
      if (bytes.size() >= MAX_ENTRIES) {
        bytes.clear();
      }
      b = ByteString.copyFromUtf8(s);
      bytes.put(s, b);
    }
    return b;
  }
}
