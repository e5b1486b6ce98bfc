package io.canopy.serving.predict.flat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Reads a model as XGBoost saves it in UBJSON ({@code Booster.toByteArray("ubj")}) into the same
 * tree {@link ForestCompiler} reads from JSON text, skipping the values of {@code skipped} keys
 * (per-node training statistics the compiler never reads). XGBoost writes the per-node arrays as
 * typed, counted containers of big-endian numbers, so a model is read without decoding a decimal
 * number: ten times cheaper than its JSON text, the largest part of a cold load. Counts are checked
 * against the bytes left before anything is allocated; anything malformed is an {@link
 * IllegalStateException}.
 */
final class UbjReader {

  private final ByteBuffer in;
  private final Set<String> skipped;

  private UbjReader(byte[] ubj, Set<String> skipped) {
    this.in = ByteBuffer.wrap(ubj); // big-endian, as UBJSON is
    this.skipped = skipped;
  }

  static JsonElement parse(byte[] ubj, Set<String> skipped) {
    UbjReader reader = new UbjReader(ubj, skipped);
    try {
      JsonElement root = reader.value(reader.marker(), 0);
      if (reader.in.hasRemaining()) {
        throw new IllegalStateException(reader.in.remaining() + " bytes after the model");
      }
      return root;
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalStateException("the model ends early");
    }
  }

  private static final int MAX_DEPTH = 64;

  private byte marker() {
    byte m = in.get();
    while (m == 'N') { // no-op
      m = in.get();
    }
    return m;
  }

  private JsonElement value(byte marker, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalStateException("nested deeper than " + MAX_DEPTH);
    }
    return switch (marker) {
      case '{' -> object(depth);
      case '[' -> array(depth);
      case 'S' -> new JsonPrimitive(string());
      case 'Z' -> JsonNull.INSTANCE;
      case 'T' -> new JsonPrimitive(true);
      case 'F' -> new JsonPrimitive(false);
      case 'd' -> new JsonPrimitive(in.getFloat());
      case 'D' -> new JsonPrimitive(in.getDouble());
      case 'C' -> new JsonPrimitive((char) in.get());
      default -> new JsonPrimitive(integer(marker));
    };
  }

  private long integer(byte marker) {
    return switch (marker) {
      case 'i' -> in.get();
      case 'U' -> in.get() & 0xFF;
      case 'I' -> in.getShort();
      case 'l' -> in.getInt();
      case 'L' -> in.getLong();
      default -> throw new IllegalStateException("unknown UBJSON marker " + (char) marker);
    };
  }

  /** A count or length: an integer of any width, within what the bytes left can hold. */
  private int count(byte marker, int bytesPerItem) {
    long n = integer(marker);
    if (n < 0 || n * Math.max(1, bytesPerItem) > in.remaining()) {
      throw new IllegalStateException("a count of " + n + " past the end of the model");
    }
    return (int) n;
  }

  private String string() {
    int length = count(in.get(), 1);
    String s = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
    in.position(in.position() + length);
    return s;
  }

  private JsonObject object(int depth) {
    JsonObject out = new JsonObject();
    byte m = marker();
    if (m == '$' || m == '#') {
      throw new IllegalStateException("typed or counted objects are not XGBoost's");
    }
    while (m != '}') {
      in.position(in.position() - 1); // m began the key's length
      String key = string();
      byte valueMarker = marker();
      if (skipped.contains(key)) {
        skip(valueMarker, depth + 1);
      } else {
        out.add(key, value(valueMarker, depth + 1));
      }
      m = marker();
    }
    return out;
  }

  private JsonArray array(int depth) {
    byte m = marker();
    if (m == '$') {
      byte type = in.get();
      if (in.get() != '#') {
        throw new IllegalStateException("a typed array without a count");
      }
      int n = count(in.get(), width(type));
      JsonArray out = new JsonArray(n);
      for (int i = 0; i < n; i++) {
        out.add(value(type, depth + 1));
      }
      return out;
    }
    if (m == '#') {
      int n = count(in.get(), 1);
      JsonArray out = new JsonArray(n);
      for (int i = 0; i < n; i++) {
        out.add(value(marker(), depth + 1));
      }
      return out;
    }
    JsonArray out = new JsonArray();
    while (m != ']') {
      out.add(value(m, depth + 1));
      m = marker();
    }
    return out;
  }

  private void skip(byte marker, int depth) {
    if (marker == '[') {
      byte m = marker();
      if (m == '$') {
        byte type = in.get();
        if (in.get() != '#') {
          throw new IllegalStateException("a typed array without a count");
        }
        int n = count(in.get(), width(type));
        in.position(in.position() + n * width(type));
        return;
      }
      in.position(in.position() - 1);
    }
    value(marker, depth); // rare: read and dropped
  }

  /** Bytes per item of a typed array's element type. */
  private static int width(byte type) {
    return switch (type) {
      case 'i', 'U', 'C' -> 1;
      case 'I' -> 2;
      case 'l', 'd' -> 4;
      case 'L', 'D' -> 8;
      default -> throw new IllegalStateException("typed array of " + (char) type);
    };
  }
}
