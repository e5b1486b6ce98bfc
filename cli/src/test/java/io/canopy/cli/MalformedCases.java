package io.canopy.cli;

import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Runs table-driven malformed-request cases and tallies them per front: how many were tried,
 * answered as documented, answered with a server error (HTTP 5xx but 503/504, gRPC INTERNAL or
 * UNKNOWN), and every case answered otherwise, for the failure message.
 */
final class MalformedCases {

  /** Hostile names for models, aliases, views and labels (path, SQL, unicode, control, huge). */
  static final List<String> HOSTILE_NAMES =
      List.of(
          "../x",
          "a/b",
          "x'; DROP TABLE models;--",
          "\u00e9t\u00e9-\u6a21\u578b",
          "nul\u0000byte",
          "-leading-dash",
          "x".repeat(10_000));

  /**
   * A stack frame, an exception class name, a Java package or a library's class or method (Jackson
   * names its own in backquotes) in a reply means a leak.
   */
  private static final Pattern LEAK =
      Pattern.compile(
          "\\tat |\\bat [a-z]+\\.[a-z]+\\.|Exception\\b|\\bjava\\.|io\\.canopy\\.|io\\.grpc\\."
              + "|jackson|fasterxml|StreamReadConstraints|`");

  private final Map<String, int[]> fronts = new TreeMap<>();
  private final List<String> wrong = new ArrayList<>();

  /** One gRPC call; its outcome must be one of {@code codes}, naming {@code field} if given. */
  void grpc(String front, String name, Set<Status.Code> codes, String field, Runnable call) {
    Status.Code code = Status.Code.OK;
    String description = "";
    String named = null;
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      code = e.getStatus().getCode();
      description = e.getStatus().getDescription() == null ? "" : e.getStatus().getDescription();
      named = badRequestField(e);
    }
    boolean serverError = code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN;
    List<String> problems = new ArrayList<>();
    if (!codes.contains(code)) {
      problems.add("got " + code + " (" + clip(description) + "), expected " + codes);
    }
    if (code == Status.Code.INVALID_ARGUMENT && field != null && !field.equals(named)) {
      problems.add("INVALID_ARGUMENT names field " + named + ", expected " + field);
    }
    if (LEAK.matcher(description).find()) {
      problems.add("description leaks internals: " + clip(description));
    }
    record(front, name, problems, serverError);
  }

  /** One HTTP exchange; {@code body} is what came back with {@code status}. */
  void http(String front, String name, int status, String body, Set<Integer> codes, String field) {
    boolean serverError = status >= 500 && status != 503 && status != 504;
    List<String> problems = new ArrayList<>();
    if (!codes.contains(status)) {
      problems.add("got " + status + " " + clip(body) + ", expected " + codes);
    }
    // 414/431 come from the HTTP server itself, before any route: a status line and no body.
    // KServe's ready endpoints answer 503 with {"ready": false}, as KServe's own server does.
    boolean bodyless = status == 414 || status == 431;
    boolean readiness = status == 503 && body.contains("\"ready\":false");
    if (status >= 400 && !bodyless && !readiness) {
      if (!body.startsWith("{\"error\":\"") || body.startsWith("{\"error\":\"\"")) {
        problems.add("error body is not {\"error\": \"...\"}: " + clip(body));
      }
      if (field != null && !body.startsWith("{\"error\":\"" + field)) {
        problems.add("error does not name " + field + ": " + clip(body));
      }
    }
    if (LEAK.matcher(body).find()) {
      problems.add("body leaks internals: " + clip(body));
    }
    record(front, name, problems, serverError);
  }

  private void record(String front, String name, List<String> problems, boolean serverError) {
    int[] n = fronts.computeIfAbsent(front, f -> new int[3]);
    n[0]++;
    if (problems.isEmpty()) {
      n[1]++;
    } else {
      wrong.add(front + " / " + name + ": " + String.join("; ", problems));
    }
    if (serverError) {
      n[2]++;
    }
  }

  /** Cases answered other than documented (empty when all are right). */
  List<String> wrong() {
    return wrong;
  }

  int tried() {
    return fronts.values().stream().mapToInt(n -> n[0]).sum();
  }

  int serverErrors() {
    return fronts.values().stream().mapToInt(n -> n[2]).sum();
  }

  /** "front: tried/as documented/server errors" per front. */
  String summary() {
    StringBuilder s = new StringBuilder();
    fronts.forEach(
        (front, n) ->
            s.append(
                String.format(
                    "  %-28s tried %4d  as documented %4d  5xx/INTERNAL %d%n",
                    front, n[0], n[1], n[2])));
    return s.toString();
  }

  private static String badRequestField(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status == null) {
      return null;
    }
    for (var detail : status.getDetailsList()) {
      if (detail.is(BadRequest.class)) {
        try {
          BadRequest bad = detail.unpack(BadRequest.class);
          return bad.getFieldViolationsCount() > 0 ? bad.getFieldViolations(0).getField() : null;
        } catch (com.google.protobuf.InvalidProtocolBufferException ignored) {
          return null;
        }
      }
    }
    return null;
  }

  private static String clip(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "…";
  }
}
