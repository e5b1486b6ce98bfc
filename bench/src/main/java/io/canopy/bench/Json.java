package io.canopy.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The report's JSON, through Jackson: numbers to three decimals (whole ones bare), non-finite as
 * null.
 */
final class Json {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Puts {@code v} under {@code name} as the report writes numbers. */
  static void putNumber(ObjectNode node, String name, double v) {
    if (!Double.isFinite(v)) {
      node.putNull(name);
    } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      node.put(name, (long) v);
    } else {
      node.put(name, BigDecimal.valueOf(v).setScale(3, RoundingMode.HALF_UP));
    }
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode read(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
