package io.canopy.registry.validation;

/**
 * Turns an XGBoost error message into one line for people: the first line, without the "[12:00:00]
 * /path/file.cc:42: " prefix and the native stack trace.
 */
final class XGBoostErrors {

  private static final int MAX_LENGTH = 300;

  private XGBoostErrors() {}

  static String summary(String message) {
    if (message == null || message.isBlank()) {
      return "unknown error";
    }
    String line = message.strip().lines().findFirst().orElse("").strip();
    // "[21:30:05] /workspace/include/xgboost/json.h:46: Check failed: …" -> "Check failed: …"
    line = line.replaceFirst("^\\[[0-9:]+\\]\\s*", "");
    line = line.replaceFirst("^\\S+:\\d+:\\s*", "");
    line = line.replaceFirst("\\s*:\\s*$", "");
    if (line.isBlank()) {
      return "unknown error";
    }
    return line.length() > MAX_LENGTH ? line.substring(0, MAX_LENGTH) + "…" : line;
  }
}
