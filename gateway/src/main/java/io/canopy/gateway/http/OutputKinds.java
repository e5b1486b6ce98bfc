package io.canopy.gateway.http;

import io.canopy.proto.inference.v1.OutputKind;

/** The JSON names of output kinds: "value" (alias "probability"), "margin", "class", ... */
final class OutputKinds {

  private OutputKinds() {}

  static OutputKind parse(String name) {
    return switch (name) {
      case "value", "probability" -> OutputKind.OUTPUT_KIND_VALUE;
      case "margin" -> OutputKind.OUTPUT_KIND_MARGIN;
      case "class" -> OutputKind.OUTPUT_KIND_CLASS;
      case "leaf" -> OutputKind.OUTPUT_KIND_LEAF;
      case "contributions" -> OutputKind.OUTPUT_KIND_CONTRIBUTIONS;
      default ->
          throw JsonInput.invalid(
              "output", "'" + name + "' is not one of value, margin, class, leaf, contributions");
    };
  }

  static String name(OutputKind kind) {
    return switch (kind) {
      case OUTPUT_KIND_MARGIN -> "margin";
      case OUTPUT_KIND_CLASS -> "class";
      case OUTPUT_KIND_LEAF -> "leaf";
      case OUTPUT_KIND_CONTRIBUTIONS -> "contributions";
      case OUTPUT_KIND_VALUE, OUTPUT_KIND_UNSPECIFIED, UNRECOGNIZED -> "value";
    };
  }
}
