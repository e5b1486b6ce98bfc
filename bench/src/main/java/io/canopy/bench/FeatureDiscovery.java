package io.canopy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc;
import io.canopy.proto.kserve.v2.ModelMetadataRequest;
import io.canopy.proto.kserve.v2.ModelMetadataResponse;
import io.grpc.Channel;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Finds a model's feature count F from KServe ModelMetadata's input shape [-1, F]. */
final class FeatureDiscovery {

  private FeatureDiscovery() {}

  static int overGrpc(Channel channel, ModelRef ref, Duration timeout) {
    ModelMetadataRequest.Builder request = ModelMetadataRequest.newBuilder().setName(ref.model());
    if (ref.version() != null) {
      request.setVersion(Long.toString(ref.version()));
    }
    ModelMetadataResponse metadata =
        GRPCInferenceServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
            .modelMetadata(request.build());
    if (metadata.getInputsCount() == 0) {
      throw new IllegalStateException(
          "model " + ref.model() + " reports no inputs; give --features");
    }
    return fromShape(ref, metadata.getInputs(0).getShapeList());
  }

  /** {@code GET /v2/models/{m}[/versions/{v}]} on the gateway's KServe REST API. */
  static int overHttp(HttpClient client, String base, ModelRef ref, String token, Duration timeout)
      throws IOException, InterruptedException {
    String path =
        "/v2/models/" + ref.model() + (ref.version() != null ? "/versions/" + ref.version() : "");
    HttpRequest.Builder request =
        HttpRequest.newBuilder(HttpTargets.uri(base, path)).timeout(timeout).GET();
    if (token != null) {
      request.header("authorization", "Bearer " + token);
    }
    HttpResponse<String> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "GET " + path + " answered HTTP " + response.statusCode() + "; give --features");
    }
    JsonNode shape = Json.read(response.body()).path("inputs").path(0).path("shape");
    if (shape.size() != 2
        || shape.get(0).asLong() != -1
        || !shape.get(1).canConvertToInt()
        || shape.get(1).asInt() < 1) {
      throw new IllegalStateException(
          "GET " + path + " has no input shape [-1, F]; give --features");
    }
    return shape.get(1).asInt();
  }

  private static int fromShape(ModelRef ref, List<Long> shape) {
    if (shape.size() != 2 || shape.get(1) < 1) {
      throw new IllegalStateException(
          "model " + ref.model() + " input shape " + shape + " is not [-1, F]; give --features");
    }
    return Math.toIntExact(shape.get(1));
  }
}
