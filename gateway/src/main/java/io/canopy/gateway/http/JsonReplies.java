package io.canopy.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Sends JSON replies written with Jackson's streaming generator. */
final class JsonReplies {

  /** Writes one JSON document. */
  interface Body {
    void write(JsonGenerator generator) throws IOException;
  }

  private final JsonFactory json;

  JsonReplies(JsonFactory json) {
    this.json = json;
  }

  void send(ServerResponse response, int status, Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = json.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    response.status(status);
    response.header(HeaderValues.CONTENT_TYPE_JSON);
    response.send(out.toByteArray());
  }

  /** {@code {"error": message}} with {@code status}. */
  void error(ServerResponse response, int status, String message) {
    send(
        response,
        status,
        g -> {
          g.writeStartObject();
          g.writeStringField("error", message);
          g.writeEndObject();
        });
  }

  /** Writes a float, or null where JSON has no number for it (NaN, infinities). */
  static void writeFloat(JsonGenerator g, float value) throws IOException {
    if (Float.isFinite(value)) {
      g.writeNumber(value);
    } else {
      g.writeNull();
    }
  }
}
