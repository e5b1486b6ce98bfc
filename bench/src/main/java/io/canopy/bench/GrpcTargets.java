package io.canopy.bench;

import com.google.protobuf.ByteString;
import io.canopy.proto.features.v1.FeatureLayout;
import io.canopy.proto.features.v1.FeatureStoreServiceGrpc;
import io.canopy.proto.features.v1.GetOnlineFeaturesRequest;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc;
import io.canopy.proto.kserve.v2.InferTensorContents;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import io.grpc.Channel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builds the gRPC targets: the floor, Predict, KServe ModelInfer and GetOnlineFeatures. */
final class GrpcTargets {

  /** The input tensor name Canopy's KServe ModelMetadata reports. */
  static final String KSERVE_INPUT = "input-0";

  private GrpcTargets() {}

  /** The floor: grpc.health.v1 Check, an almost empty unary call through the whole stack. */
  static Target floor(Channel channel, Duration timeout) {
    return new GrpcTarget<>(
        "floor",
        1,
        channel,
        HealthGrpc.getCheckMethod(),
        List.of(HealthCheckRequest.getDefaultInstance()),
        timeout);
  }

  /**
   * Predict with {@code rows} rows per request: of {@code ref}'s model, or with a {@code mix}, each
   * request of a model drawn from it.
   */
  static Target predict(
      Channel channel, ModelRef ref, ModelMix mix, Payload payload, int rows, Duration timeout) {
    List<PredictRequest> requests = new ArrayList<>();
    for (int i = 0; i < count(mix, payload, rows); i++) {
      PredictRequest.Builder request =
          PredictRequest.newBuilder().setModel(mix == null ? ref.model() : mix.models().get(i));
      if (ref.version() != null) {
        request.setVersion(ref.version());
      } else if (ref.alias() != null) {
        request.setAlias(ref.alias());
      }
      DenseRows.Builder dense = request.getDenseBuilder().setNumFeatures(payload.numFeatures());
      for (float v : payload.batch(i % payload.distinctRequests(rows), rows)) {
        dense.addValues(v);
      }
      requests.add(request.build());
    }
    return new GrpcTarget<>(
        "predict", rows, channel, InferenceServiceGrpc.getPredictMethod(), requests, mix, timeout);
  }

  /** Requests to build: the payload's distinct ones, or one per model of a mix. */
  private static int count(ModelMix mix, Payload payload, int rows) {
    return mix == null ? payload.distinctRequests(rows) : mix.models().size();
  }

  /**
   * KServe ModelInfer with an FP32 [rows, F] input, as typed contents or raw little-endian bytes.
   */
  static Target kserve(
      Channel channel,
      ModelRef ref,
      ModelMix mix,
      Payload payload,
      int rows,
      boolean raw,
      Duration timeout) {
    if (ref.alias() != null) {
      throw new IllegalArgumentException(
          "--alias is not part of KServe v2; give --version or neither");
    }
    List<ModelInferRequest> requests = new ArrayList<>();
    for (int i = 0; i < count(mix, payload, rows); i++) {
      ModelInferRequest.Builder request =
          ModelInferRequest.newBuilder()
              .setModelName(mix == null ? ref.model() : mix.models().get(i));
      if (ref.version() != null) {
        request.setModelVersion(Long.toString(ref.version()));
      }
      float[] values = payload.batch(i % payload.distinctRequests(rows), rows);
      ModelInferRequest.InferInputTensor.Builder input =
          request
              .addInputsBuilder()
              .setName(KSERVE_INPUT)
              .setDatatype("FP32")
              .addShape(rows)
              .addShape(payload.numFeatures());
      if (raw) {
        ByteBuffer bytes =
            ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        request.addRawInputContents(ByteString.copyFrom(bytes));
      } else {
        InferTensorContents.Builder contents = input.getContentsBuilder();
        for (float v : values) {
          contents.addFp32Contents(v);
        }
      }
      requests.add(request.build());
    }
    return new GrpcTarget<>(
        "kserve",
        rows,
        channel,
        GRPCInferenceServiceGrpc.getModelInferMethod(),
        requests,
        mix,
        timeout);
  }

  /** {@code --layout}: rows or columns. */
  static FeatureLayout layout(String option) {
    return switch (option.toLowerCase(java.util.Locale.ROOT)) {
      case "rows" -> FeatureLayout.FEATURE_LAYOUT_ROWS;
      case "columns" -> FeatureLayout.FEATURE_LAYOUT_COLUMNS;
      default ->
          throw new IllegalArgumentException("--layout must be rows or columns; got " + option);
    };
  }

  /**
   * GetOnlineFeatures for {@code keysPerRequest} consecutive entity keys, cycling, answered in
   * {@code layout}.
   */
  static Target features(
      Channel channel,
      String featureView,
      List<String> entities,
      FeatureLayout layout,
      int keysPerRequest,
      Duration timeout) {
    if (featureView == null || featureView.isBlank()) {
      throw new IllegalArgumentException("--feature-view is required for --target features");
    }
    if (entities.isEmpty()) {
      throw new IllegalArgumentException("--entities is required for --target features");
    }
    int distinct =
        Math.max(
            1,
            Math.min(
                Payload.MAX_DISTINCT_REQUESTS,
                (entities.size() + keysPerRequest - 1) / keysPerRequest));
    List<GetOnlineFeaturesRequest> requests = new ArrayList<>();
    for (int i = 0; i < distinct; i++) {
      GetOnlineFeaturesRequest.Builder request =
          GetOnlineFeaturesRequest.newBuilder().setFeatureView(featureView).setLayout(layout);
      for (int k = 0; k < keysPerRequest; k++) {
        request.addEntityKeys(
            entities.get((int) (((long) i * keysPerRequest + k) % entities.size())));
      }
      requests.add(request.build());
    }
    return new GrpcTarget<>(
        "features",
        keysPerRequest,
        channel,
        FeatureStoreServiceGrpc.getGetOnlineFeaturesMethod(),
        requests,
        timeout);
  }
}
