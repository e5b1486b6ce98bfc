package io.canopy.registry.store;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import io.canopy.proto.registry.v1.ModelFormat;
import io.canopy.proto.registry.v1.VersionState;

/**
 * How values are written to columns: enums as short upper-case words ("READY", "UBJ"), times as
 * epoch millis, and the variable-length parts of a record (labels, feature lists) as the JSON of
 * the proto message, which keeps the schema portable and the data readable with any SQL client.
 */
final class Columns {

  private static final String STATE_PREFIX = "VERSION_STATE_";
  private static final String FORMAT_PREFIX = "MODEL_FORMAT_";

  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private Columns() {}

  static String state(VersionState state) {
    return state.name().substring(STATE_PREFIX.length());
  }

  static VersionState state(String column) {
    return VersionState.valueOf(STATE_PREFIX + column);
  }

  static String format(ModelFormat format) {
    return format.name().substring(FORMAT_PREFIX.length());
  }

  static ModelFormat format(String column) {
    return ModelFormat.valueOf(FORMAT_PREFIX + column);
  }

  static Timestamp time(long epochMillis) {
    return Timestamps.fromMillis(epochMillis);
  }

  static String json(Message message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getDescriptorForType(), e);
    }
  }

  /** Merges the JSON in {@code column} into {@code builder}. */
  static <B extends Message.Builder> B fromJson(String column, B builder) {
    try {
      PARSER.merge(column, builder);
      return builder;
    } catch (InvalidProtocolBufferException e) {
      throw new StoreException("corrupt JSON column for " + builder.getDescriptorForType(), e);
    }
  }
}
