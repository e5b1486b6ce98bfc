package io.canopy.gateway.http;

import io.canopy.common.digest.Sha256;
import io.canopy.gateway.upstream.RegistryClient;
import io.canopy.gateway.upstream.VersionUpload;
import io.canopy.proto.registry.v1.ModelFormat;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /v1/models/{m}/versions?description=&format=&create_model=&expected_sha256=} with the
 * model file as the raw body ({@code content-type: application/octet-stream}): streamed to the
 * registry's UploadVersion as it arrives, a header first, then chunks of 1 MiB, never the whole
 * file in memory ({@link RequestBodies#chunked}, {@link VersionUpload}). The answer is the
 * registry's: the version READY, or FAILED with its reason, once validated. A body over {@code
 * gateway.http.max-upload-bytes} gets 413 and the call is cancelled, so the registry keeps nothing.
 * Role admin at the gateway; the caller's Authorization goes to the registry ({@link
 * RegistryClient}).
 */
record UploadHandler(
    RegistryClient registry,
    RequestBodies bodies,
    long maxUploadBytes,
    JsonReplies replies,
    HttpErrors errors) {

  static final int CHUNK_BYTES = 1 << 20;

  private static final Set<String> PARAMETERS =
      Set.of("description", "format", "create_model", "expected_sha256");

  /** "auto" (the registry detects it) and every format of the proto, lowercase: "ubj", "json"… */
  private static final Map<String, ModelFormat> FORMATS = formats();

  void routes(HttpRules rules) {
    rules.post("/v1/models/{m}/versions", this::upload);
  }

  private void upload(ServerRequest req, ServerResponse res) {
    ModelVersion version;
    try {
      version = receive(req);
    } catch (BodyStalled e) {
      throw e; // closes the connection itself
    } catch (RuntimeException e) {
      if (!req.content().consumed()) {
        errors.answerAndClose(req, res, e); // rather than read the rest of a refused file
      }
      throw e;
    }
    replies.send(
        res,
        200,
        g -> {
          g.writeStartObject();
          g.writeFieldName("version");
          RegistryJson.writeVersion(g, version);
          g.writeEndObject();
        });
  }

  private ModelVersion receive(ServerRequest req) {
    String model = Names.model(req.path().pathParameters().get("m"));
    if (!octetStream(req.headers().contentType())) {
      throw new UnsupportedContentType(
          "content-type: the body is the model file, sent as application/octet-stream");
    }
    UploadVersionHeader header = header(model, req);
    try (RequestBodies.ChunkedBody body =
        bodies.chunked(req, maxUploadBytes, CHUNK_BYTES, "gateway.http.max-upload-bytes")) {
      VersionUpload upload = registry.upload(header, RegistryWritesHandler.authorization(req));
      try {
        body.forEach(upload::send);
        return PredictHandler.await(upload.finish()).getVersion();
      } catch (RuntimeException e) {
        upload.cancel("the upload did not complete: " + e.getClass().getSimpleName());
        throw e;
      }
    }
  }

  private static UploadVersionHeader header(String model, ServerRequest req) {
    for (String name : req.query().names()) {
      if (!PARAMETERS.contains(name)) {
        throw JsonInput.invalid(
            name, "unknown parameter (known: description, format, create_model, expected_sha256)");
      }
    }
    UploadVersionHeader.Builder header = UploadVersionHeader.newBuilder().setModel(model);
    Optional<String> description = req.query().first("description").asOptional();
    description.ifPresent(d -> header.setDescription(JsonInput.wellFormed("description", d)));
    String format = req.query().first("format").orElse("auto");
    ModelFormat parsed = FORMATS.get(format);
    if (parsed == null) {
      throw JsonInput.invalid(
          "format", "'" + format + "' is not one of " + String.join(", ", FORMATS.keySet()));
    }
    header.setFormat(parsed);
    String create = req.query().first("create_model").orElse("false");
    if (!create.equals("true") && !create.equals("false")) {
      throw JsonInput.invalid("create_model", "'" + create + "' is not true or false");
    }
    header.setCreateModel(create.equals("true"));
    Optional<String> sha = req.query().first("expected_sha256").asOptional();
    if (sha.isPresent() && !Sha256.isValidHex(sha.get())) {
      throw JsonInput.invalid("expected_sha256", "must be 64 lowercase hex characters");
    }
    sha.ifPresent(header::setExpectedSha256);
    return header.build();
  }

  static boolean octetStream(Optional<HttpMediaType> type) {
    return type.isPresent()
        && type.get().mediaType().type().equalsIgnoreCase("application")
        && type.get().mediaType().subtype().equalsIgnoreCase("octet-stream");
  }

  private static Map<String, ModelFormat> formats() {
    Map<String, ModelFormat> formats = new LinkedHashMap<>();
    formats.put("auto", ModelFormat.MODEL_FORMAT_UNSPECIFIED);
    for (ModelFormat f : ModelFormat.values()) {
      if (f != ModelFormat.MODEL_FORMAT_UNSPECIFIED && f != ModelFormat.UNRECOGNIZED) {
        formats.put(f.name().replace("MODEL_FORMAT_", "").toLowerCase(Locale.ROOT), f);
      }
    }
    return Collections.unmodifiableMap(formats);
  }
}
