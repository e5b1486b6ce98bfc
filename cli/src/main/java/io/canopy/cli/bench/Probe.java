package io.canopy.cli.bench;

import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.grpc.Channel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/** One timed call shape: the empty-call floor, a gRPC Predict, or an HTTP predict. */
record Probe(String name, Call call) {

  @FunctionalInterface
  interface Call {
    void once() throws Exception;
  }

  /** The floor: grpc.health.v1 Check, an (almost) empty unary call on the same server. */
  static Probe floor(Channel channel) {
    var stub = HealthGrpc.newBlockingStub(channel);
    HealthCheckRequest request = HealthCheckRequest.getDefaultInstance();
    return new Probe("grpc-empty", () -> stub.check(request));
  }

  static Probe grpcPredict(Channel channel, String model, int features) {
    var stub = InferenceServiceGrpc.newBlockingStub(channel);
    PredictRequest.Builder request = PredictRequest.newBuilder().setModel(model);
    DenseRows.Builder row = request.getDenseBuilder().setNumFeatures(features);
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < features; i++) {
      row.addValues((float) random.nextDouble(0, 10));
    }
    PredictRequest built = request.build();
    return new Probe("grpc-predict", () -> stub.predict(built));
  }

  static Probe httpPredict(HttpClient http, String base, String model, int features) {
    StringBuilder body = new StringBuilder("{\"instances\": [[");
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < features; i++) {
      body.append(i == 0 ? "" : ",").append((float) random.nextDouble(0, 10));
    }
    body.append("]]}");
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/v1/models/" + model + ":predict"))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    return new Probe(
        "http-predict",
        () -> {
          HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode() + ": " + r.body());
          }
        });
  }

  /** Runs {@code warmup} untimed then {@code count} timed calls; nanoseconds per call. */
  Histogram run(int warmup, int count) throws Exception {
    for (int i = 0; i < warmup; i++) {
      call.once();
    }
    Histogram histogram = new Histogram(60_000_000_000L, 3);
    for (int i = 0; i < count; i++) {
      long start = System.nanoTime();
      call.once();
      histogram.recordValue(System.nanoTime() - start);
    }
    return histogram;
  }
}
