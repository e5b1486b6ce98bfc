package io.canopy.cli.registry;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Shared output helpers for registry commands: JSON (proto3 JSON mapping) and short forms. */
final class Printer {

  private static final JsonFormat.Printer JSON = JsonFormat.printer().preservingProtoFieldNames();

  private Printer() {}

  static void json(PrintStream out, List<? extends MessageOrBuilder> messages) {
    out.println(messages.stream().map(Printer::json).collect(Collectors.joining(",\n", "[", "]")));
  }

  static String json(MessageOrBuilder message) {
    try {
      return JSON.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {"production": 3, "canary": 4} as "canary=4,production=3", or "-". */
  static String aliases(Map<String, Long> aliases) {
    String text =
        aliases.entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(","));
    return text.isEmpty() ? "-" : text;
  }
}
