package io.canopy.registry.validation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.canopy.proto.registry.v1.ModelFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an XGBoost model file (UBJSON or JSON) into plain Java values, memory-safely and before any
 * native code sees it: objects become {@code Map<String, Object>}, arrays {@code List<Object>} (UBJ
 * typed integer arrays {@code long[]}, typed float arrays {@code double[]}), numbers {@code Long}
 * or {@code Double}, plus {@code String}, {@code Boolean} and null. Every length is checked against
 * the bytes that are left, and nesting is bounded, so a hostile file fails with an IOException
 * rather than exhausting memory or the stack.
 */
final class ModelDocument {

  private static final int MAX_DEPTH = 64;

  private ModelDocument() {}

  static Object read(Path file, ModelFormat format) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    return switch (format) {
      case MODEL_FORMAT_UBJ -> new Ubj(ByteBuffer.wrap(bytes)).document();
      case MODEL_FORMAT_JSON -> json(bytes);
      default -> throw new IOException("no reader for " + format);
    };
  }

  private static Object json(byte[] bytes) throws IOException {
    try (JsonParser p = new JsonFactory().createParser(bytes)) {
      p.nextToken();
      Object root = jsonValue(p, 0);
      if (p.nextToken() != null) {
        throw new IOException("content after the model's JSON object");
      }
      return root;
    }
  }

  private static Object jsonValue(JsonParser p, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IOException("nested deeper than " + MAX_DEPTH);
    }
    JsonToken t = p.currentToken();
    if (t == null) {
      throw new IOException("the JSON ends early");
    }
    return switch (t) {
      case START_OBJECT -> {
        Map<String, Object> object = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          p.nextToken();
          object.put(key, jsonValue(p, depth + 1));
        }
        yield object;
      }
      case START_ARRAY -> jsonArray(p, depth);
      case VALUE_NUMBER_INT ->
          p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
              ? (Object) p.getDoubleValue()
              : (Object) p.getLongValue();
      case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
      case VALUE_STRING -> p.getText();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw new IOException("unexpected JSON token " + t);
    };
  }

  /**
   * An array of integers as {@code long[]} (trees are mostly such arrays; boxing them would take
   * several times the file's size), anything else as a list.
   */
  private static Object jsonArray(JsonParser p, int depth) throws IOException {
    long[] integers = new long[16];
    int n = 0;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.VALUE_NUMBER_INT
        && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      if (n == integers.length) {
        integers = Arrays.copyOf(integers, n * 2);
      }
      integers[n++] = p.getLongValue();
    }
    if (t == JsonToken.END_ARRAY) {
      return Arrays.copyOf(integers, n);
    }
    List<Object> array = new ArrayList<>(n + 16);
    for (int i = 0; i < n; i++) {
      array.add(integers[i]);
    }
    do {
      array.add(jsonValue(p, depth + 1));
    } while (p.nextToken() != JsonToken.END_ARRAY);
    return array;
  }

  /** The UBJSON subset XGBoost writes: objects, arrays (optimized or not), numbers, strings. */
  private static final class Ubj {
    private final ByteBuffer in;

    Ubj(ByteBuffer in) {
      this.in = in;
    }

    Object document() throws IOException {
      Object root = value(marker(), 0);
      if (in.hasRemaining()) {
        throw new IOException(in.remaining() + " bytes after the model's UBJSON object");
      }
      return root;
    }

    private Object value(char marker, int depth) throws IOException {
      if (depth > MAX_DEPTH) {
        throw new IOException("nested deeper than " + MAX_DEPTH);
      }
      return switch (marker) {
        case '{' -> object(depth);
        case '[' -> array(depth);
        case 'S' -> string();
        case 'T' -> Boolean.TRUE;
        case 'F' -> Boolean.FALSE;
        case 'Z' -> null;
        case 'i', 'U', 'I', 'l', 'L' -> integer(marker);
        case 'd', 'D' -> real(marker);
        default -> throw new IOException("unknown UBJSON marker 0x" + Integer.toHexString(marker));
      };
    }

    private Map<String, Object> object(int depth) throws IOException {
      Map<String, Object> object = new LinkedHashMap<>();
      while (true) {
        need(1);
        if (in.get(in.position()) == '}') {
          in.get();
          return object;
        }
        String key = text(length(marker()));
        object.put(key, value(marker(), depth + 1));
      }
    }

    private Object array(int depth) throws IOException {
      need(1);
      if (in.get(in.position()) == '$') {
        in.get();
        char type = marker();
        if (marker() != '#') {
          throw new IOException("a typed UBJSON array without a count");
        }
        int n = length(marker());
        return typed(type, n, depth);
      }
      List<Object> array = new ArrayList<>();
      if (in.get(in.position()) == '#') {
        in.get();
        int n = length(marker());
        for (int i = 0; i < n; i++) {
          array.add(value(marker(), depth + 1));
        }
        return array;
      }
      while (true) {
        need(1);
        if (in.get(in.position()) == ']') {
          in.get();
          return array;
        }
        array.add(value(marker(), depth + 1));
      }
    }

    private Object typed(char type, int n, int depth) throws IOException {
      switch (type) {
        case 'i', 'U', 'I', 'l', 'L' -> {
          need((long) n * width(type));
          long[] values = new long[n];
          for (int i = 0; i < n; i++) {
            values[i] = integer(type);
          }
          return values;
        }
        case 'd', 'D' -> {
          need((long) n * width(type));
          double[] values = new double[n];
          for (int i = 0; i < n; i++) {
            values[i] = real(type);
          }
          return values;
        }
        default -> {
          List<Object> values = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            values.add(value(type, depth + 1));
          }
          return values;
        }
      }
    }

    private long integer(char type) throws IOException {
      need(width(type));
      return switch (type) {
        case 'i' -> in.get();
        case 'U' -> in.get() & 0xff;
        case 'I' -> in.getShort();
        case 'l' -> in.getInt();
        default -> in.getLong();
      };
    }

    private double real(char type) throws IOException {
      need(width(type));
      return type == 'd' ? in.getFloat() : in.getDouble();
    }

    private String string() throws IOException {
      return text(length(marker()));
    }

    private String text(int n) throws IOException {
      need(n);
      byte[] b = new byte[n];
      in.get(b);
      return new String(b, StandardCharsets.UTF_8);
    }

    private int length(char type) throws IOException {
      if ("iUIlL".indexOf(type) < 0) {
        throw new IOException("a UBJSON length of type " + type);
      }
      long n = integer(type);
      if (n < 0 || n > in.remaining()) {
        throw new IOException(
            "a UBJSON length of " + n + " with " + in.remaining() + " bytes left");
      }
      return (int) n;
    }

    private char marker() throws IOException {
      need(1);
      return (char) (in.get() & 0xff);
    }

    private void need(long n) throws IOException {
      if (n > in.remaining()) {
        throw new IOException("the UBJSON ends early");
      }
    }

    private static int width(char type) {
      return switch (type) {
        case 'i', 'U' -> 1;
        case 'I' -> 2;
        case 'l', 'd' -> 4;
        default -> 8;
      };
    }
  }
}
