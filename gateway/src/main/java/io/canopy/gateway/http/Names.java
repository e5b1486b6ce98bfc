package io.canopy.gateway.http;

import io.canopy.common.names.ResourceNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Validates the names and numbers that arrive in URL paths and query parameters, naming the field
 * at fault.
 */
final class Names {

  private Names() {}

  static String model(String value) {
    return name("model", value);
  }

  static String featureView(String value) {
    return name("feature_view", value);
  }

  static String alias(String value) {
    return name("alias", value);
  }

  /** A version number: a positive integer. */
  static long version(String value) {
    try {
      long v = Long.parseLong(value);
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw JsonInput.invalid("version", "'" + value + "' is not a positive integer");
  }

  /** A model, alias or view name in {@code field}: the registry's one name rule. */
  static String name(String field, String value) {
    if (!ResourceNames.isValid(value)) {
      throw JsonInput.invalid(field, "'" + value + "' is not a valid name: " + ResourceNames.RULE);
    }
    return value;
  }

  /**
   * A list call's {@code page_size} and {@code page_token} query parameters, when present, handed
   * to the request builder's setters: the one way every paged HTTP read reads them.
   */
  static void paging(ServerRequest req, IntConsumer size, Consumer<String> token) {
    req.query().first("page_size").asOptional().ifPresent(s -> size.accept(pageSize(s)));
    req.query()
        .first("page_token")
        .asOptional()
        .ifPresent(t -> token.accept(JsonInput.wellFormed("page_token", t)));
  }

  /** A {@code page_size} query parameter: a non-negative integer (0: the server's default). */
  static int pageSize(String text) {
    try {
      int size = Integer.parseInt(text);
      if (size >= 0) {
        return size;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw JsonInput.invalid("page_size", "'" + text + "' is not a non-negative integer");
  }
}
