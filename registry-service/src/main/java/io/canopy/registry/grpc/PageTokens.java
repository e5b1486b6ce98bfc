package io.canopy.registry.grpc;

import io.canopy.common.error.CanopyException.InvalidArgument;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Opaque page tokens: the last key of the previous page, tagged with the list it belongs to so a
 * token from one list is refused by another.
 */
final class PageTokens {

  private PageTokens() {}

  static String encode(String list, String lastKey) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((list + ":" + lastKey).getBytes(StandardCharsets.UTF_8));
  }

  /** The key in {@code token}, or {@code ifEmpty} for the first page. */
  static String decode(String list, String token, String ifEmpty) {
    if (token.isEmpty()) {
      return ifEmpty;
    }
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    if (!text.startsWith(list + ":")) {
      throw invalid();
    }
    return text.substring(list.length() + 1);
  }

  static long decodeLong(String list, String token, long ifEmpty) {
    if (token.isEmpty()) {
      return ifEmpty;
    }
    try {
      return Long.parseLong(decode(list, token, ""));
    } catch (NumberFormatException e) {
      throw invalid();
    }
  }

  /** One page cut from a store read of {@code size + 1} rows, and the token for the next page. */
  record Page<T>(List<T> items, String nextToken) {}

  /**
   * The first {@code size} of {@code fetched} (read with one extra row to learn whether more
   * exist); the next-page token names the last kept row's key, or is empty on the last page.
   */
  static <T> Page<T> cut(List<T> fetched, int size, String list, Function<T, String> key) {
    if (fetched.size() <= size) {
      return new Page<>(fetched, "");
    }
    return new Page<>(fetched.subList(0, size), encode(list, key.apply(fetched.get(size - 1))));
  }

  private static InvalidArgument invalid() {
    return new InvalidArgument("page_token", "not a token from a previous response of this list");
  }
}
