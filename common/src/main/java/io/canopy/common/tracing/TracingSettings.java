package io.canopy.common.tracing;

import io.canopy.common.config.ConfigLoader;
import io.helidon.config.Config;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * A service's tracing ({@code <service>.tracing.*}): off by default; when on, spans go over OTLP
 * (http/protobuf) to {@code otlp-endpoint}, a root trace is kept with probability {@code
 * sampling-ratio} (a call whose caller sampled it is kept, one whose caller did not is not), under
 * the resource name {@code service-name}.
 *
 * @param otlpEndpoint the collector's OTLP/HTTP traces URL; a bare {@code http://host:4318} gets
 *     the standard {@code /v1/traces} path
 * @param samplingRatio 0..1, of traces that start here
 */
public record TracingSettings(
    boolean enabled, URI otlpEndpoint, double samplingRatio, String serviceName) {

  /** The standard path of OTLP/HTTP traces, added to an endpoint given without a path. */
  static final String TRACES_PATH = "/v1/traces";

  public TracingSettings {
    Objects.requireNonNull(otlpEndpoint, "otlp-endpoint");
    String scheme = otlpEndpoint.getScheme();
    if (!("http".equals(scheme) || "https".equals(scheme)) || otlpEndpoint.getHost() == null) {
      throw new IllegalArgumentException(
          "otlp-endpoint: '" + otlpEndpoint + "' is not an http(s)://host:port URL");
    }
    String path = otlpEndpoint.getPath();
    if (path == null || path.isEmpty() || path.equals("/")) {
      otlpEndpoint = otlpEndpoint.resolve(TRACES_PATH);
    }
    if (!(samplingRatio >= 0 && samplingRatio <= 1)) {
      throw new IllegalArgumentException(
          "sampling-ratio: " + samplingRatio + " must be between 0 and 1");
    }
    if (serviceName == null || serviceName.isBlank()) {
      throw new IllegalArgumentException("service-name: must not be blank");
    }
  }

  /** Tracing off (what a test or tool that wires a service by hand gets). */
  public static TracingSettings off(String serviceName) {
    return new TracingSettings(false, URI.create("http://127.0.0.1:4318"), 1.0, serviceName);
  }

  /**
   * Reads {@code enabled}, {@code otlp-endpoint}, {@code sampling-ratio} and {@code service-name}
   * under {@code node} (e.g. {@code serving.tracing}), every one optional; a bad value fails naming
   * its full key, also when tracing is off (a typo shows at once, not on the day it is turned on).
   */
  public static TracingSettings create(Config node, String defaultServiceName) {
    String prefix = node.key() + ".";
    URI endpoint;
    double ratio;
    String enabledText = node.get("enabled").asString().orElse("false").trim();
    boolean enabled = enabledText.equalsIgnoreCase("true");
    if (!enabled && !enabledText.equalsIgnoreCase("false")) {
      throw new IllegalArgumentException(
          prefix + "enabled: '" + enabledText + "' is not true or false");
    }
    String endpointText =
        node.get("otlp-endpoint").asString().orElse("http://127.0.0.1:4318").trim();
    try {
      endpoint = new URI(endpointText);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          prefix + "otlp-endpoint: '" + endpointText + "' is not a URL", e);
    }
    String ratioText = node.get("sampling-ratio").asString().orElse("1.0").trim();
    try {
      ratio = Double.parseDouble(ratioText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          prefix + "sampling-ratio: '" + ratioText + "' is not a number", e);
    }
    String name =
        node.get("service-name").exists()
            ? ConfigLoader.stringValue(node, "service-name").trim()
            : defaultServiceName;
    try {
      return new TracingSettings(enabled, endpoint, ratio, name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(prefix + e.getMessage(), e);
    }
  }
}
