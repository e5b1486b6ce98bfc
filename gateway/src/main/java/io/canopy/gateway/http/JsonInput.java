package io.canopy.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.canopy.common.error.CanopyException;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Helpers shared by the request-body parsers: errors that name the field at fault. */
final class JsonInput {

  /** Reads one JSON document from a parser positioned before its first token. */
  interface Reader<T> {
    T read(JsonParser parser) throws IOException;
  }

  /** Duplicate keys and content after the body's value are refused, as by the predict parser. */
  private static final ObjectMapper TREES =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private JsonInput() {}

  /** {@code body} as a JSON tree, for the handlers that walk one (features, outcomes). */
  static JsonNode tree(byte[] body) {
    try {
      return TREES.readTree(body);
    } catch (JsonProcessingException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw new CanopyException.InvalidArgument("body", "not valid JSON (or a key appears twice)");
    }
  }

  /** Parses {@code body}, which must be one JSON object and nothing after it. */
  static <T> T parseObject(JsonFactory json, byte[] body, Reader<T> reader) {
    try (JsonParser p = json.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw invalid("body", "must be a JSON object");
      }
      T result = reader.read(p);
      if (p.nextToken() != null) {
        throw invalid("body", "unexpected content after the JSON object");
      }
      return result;
    } catch (JsonProcessingException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CanopyException.InvalidArgument invalid(String field, String message) {
    return new CanopyException.InvalidArgument(field, message);
  }

  static CanopyException.InvalidArgument malformed(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    return invalid("body", "malformed JSON" + where + ": " + inUserWords(e.getOriginalMessage()));
  }

  /**
   * Jackson's message without what only a Java developer could use: its own source-location details
   * (the line/column says it) and the library methods and classes it names in backquotes ("exceeds
   * the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)").
   */
  static String inUserWords(String jacksonMessage) {
    return jacksonMessage
        .replaceFirst("\\s*\\((start marker|Source).*$", "")
        .replaceAll(",\\s*from\\s*`[^`]*`", "")
        .replaceAll("\\s*`[^`]*`", "")
        .strip();
  }

  /** The current token as a string, or INVALID_ARGUMENT naming {@code field}. */
  static String string(JsonParser p, String field) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw invalid(field, "must be a string");
    }
    return wellFormed(field, p.getText());
  }

  /**
   * {@code text}, unless it holds a lone UTF-16 surrogate (JSON lets an escaped lone surrogate
   * through): such a string has no UTF-8 form, and encoding it (for protobuf, for a store key)
   * would turn it into '?', so two different keys could read the same entity. INVALID_ARGUMENT
   * instead.
   */
  static String wellFormed(String field, String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw invalid(
            field,
            String.format(
                "holds a lone UTF-16 surrogate (\\u%04x) at character %d: not valid Unicode",
                (int) c, i));
      }
    }
    return text;
  }

  /** The current token as a number (null meaning missing: NaN), or INVALID_ARGUMENT. */
  static float floatOrNull(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
      return p.getFloatValue();
    }
    if (t == JsonToken.VALUE_NULL) {
      return Float.NaN;
    }
    throw invalid(field, "must be a number or null");
  }

  /** The current token as a long, or INVALID_ARGUMENT naming {@code field}. */
  static long integer(JsonParser p, String field) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT
        || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw invalid(field, "must be an integer");
    }
    return p.getLongValue();
  }

  /** Fails unless the current token is {@code expected}. */
  static void expect(JsonParser p, JsonToken expected, String field, String message) {
    if (p.currentToken() != expected) {
      throw invalid(field, message);
    }
  }
}
