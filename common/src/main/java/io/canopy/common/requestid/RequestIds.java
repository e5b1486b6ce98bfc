package io.canopy.common.requestid;

import io.canopy.common.error.CanopyException;
import io.grpc.Context;
import io.grpc.Metadata;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The request id every prediction carries, from the client or made here: the request's own field
 * ({@code request_id}, KServe's {@code id}) first, else the {@code x-request-id} header (HTTP) or
 * metadata (gRPC, read by {@link RequestIdInterceptor}), else a new random one. It comes back in
 * every response, so a client, a log line and (later) a prediction record can name the same call.
 */
public final class RequestIds {

  /** The HTTP header and gRPC metadata name. */
  public static final String HEADER = "x-request-id";

  /** Longest id accepted, in characters (printable ASCII only): ids are echoed and recorded. */
  public static final int MAX_LENGTH = 128;

  static final Metadata.Key<String> METADATA =
      Metadata.Key.of(HEADER, Metadata.ASCII_STRING_MARSHALLER);
  static final Context.Key<String> CONTEXT = Context.key("canopy-request-id");

  private RequestIds() {}

  /**
   * The id of a request: {@code fromRequest} when set, else {@code fromHeader} (may be null or
   * empty), else a new one.
   *
   * @throws CanopyException.InvalidArgument naming {@code field} when a given id is too long or not
   *     printable ASCII
   */
  public static String resolve(String field, String fromRequest, String fromHeader) {
    if (fromRequest != null && !fromRequest.isEmpty()) {
      return check(field, fromRequest);
    }
    if (fromHeader != null && !fromHeader.isEmpty()) {
      return check(HEADER, fromHeader);
    }
    return generate();
  }

  /** Like {@link #resolve} with the current gRPC call's {@code x-request-id} metadata. */
  public static String resolve(String field, String fromRequest) {
    return resolve(field, fromRequest, CONTEXT.get());
  }

  /**
   * A new id: 32 lowercase hex characters, the current time in milliseconds (48 bits) and then 80
   * random bits, like a UUIDv7. Ids made later sort later, so the record store's index on them
   * grows at its end instead of at random places (random ids made each stored record cost about
   * eight times as much once the store held a few hundred thousand).
   */
  public static String generate() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (System.currentTimeMillis() << 16) | (random.nextInt() & 0xFFFFL);
    return hex16(high) + hex16(random.nextLong());
  }

  private static String hex16(long v) {
    String s = Long.toHexString(v);
    return "0".repeat(16 - s.length()) + s;
  }

  /**
   * Returns {@code id} when it is a valid request id, else throws InvalidArgument naming {@code
   * field}.
   */
  public static String check(String field, String id) {
    if (id.isEmpty()) {
      throw new CanopyException.InvalidArgument(field, "a request id must not be empty");
    }
    if (id.length() > MAX_LENGTH) {
      throw new CanopyException.InvalidArgument(
          field, "is " + id.length() + " characters; at most " + MAX_LENGTH);
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new CanopyException.InvalidArgument(
            field, "must be printable ASCII without spaces (character " + (i + 1) + ")");
      }
    }
    return id;
  }
}
