package io.canopy.serving;

import static io.canopy.serving.Fixtures.BREAST_CANCER_UBJ;
import static io.canopy.serving.GrpcAssertions.assertCode;
import static io.canopy.serving.GrpcAssertions.assertInvalidField;
import static io.canopy.serving.ServingServiceTest.assertMatchesFixture;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import io.canopy.proto.kserve.v2.InferTensorContents;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import io.canopy.proto.kserve.v2.ModelInferResponse;
import io.canopy.proto.kserve.v2.ModelMetadataRequest;
import io.canopy.proto.kserve.v2.ModelMetadataResponse;
import io.canopy.proto.kserve.v2.ModelReadyRequest;
import io.canopy.proto.kserve.v2.ServerLiveRequest;
import io.canopy.proto.kserve.v2.ServerMetadataRequest;
import io.canopy.proto.kserve.v2.ServerReadyRequest;
import io.grpc.Status;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The KServe v2 gRPC service, as a KServe or Triton client would call it. */
class KServeTest {

  private static final String MODEL = "breast-cancer";

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path cacheDir;
  private GRPCInferenceServiceBlockingStub kserve;

  @BeforeEach
  void start() {
    ServingHarness harness = new ServingHarness(cleanup, cacheDir).startRegistry();
    harness.registry.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    ServingHarness.Serving serving = harness.startServing().awaitReady();
    kserve = GRPCInferenceServiceGrpc.newBlockingStub(serving.channel());
  }

  @Test
  void healthAndMetadata_describeTheServerAndModel() {
    assertThat(kserve.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
    assertThat(kserve.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
    assertThat(kserve.serverMetadata(ServerMetadataRequest.getDefaultInstance()).getName())
        .isEqualTo("canopy");
    assertThat(kserve.modelReady(ModelReadyRequest.newBuilder().setName(MODEL).build()).getReady())
        .isTrue();
    assertThat(
            kserve
                .modelReady(ModelReadyRequest.newBuilder().setName(MODEL).setVersion("1").build())
                .getReady())
        .isTrue();
    assertThat(
            kserve
                .modelReady(ModelReadyRequest.newBuilder().setName(MODEL).setVersion("9").build())
                .getReady())
        .isFalse();
    assertThat(kserve.modelReady(ModelReadyRequest.newBuilder().setName("nope").build()).getReady())
        .isFalse();

    ModelMetadataResponse metadata =
        kserve.modelMetadata(ModelMetadataRequest.newBuilder().setName(MODEL).build());

    assertThat(metadata.getVersionsList()).containsExactly("1");
    assertThat(metadata.getPlatform()).isEqualTo("xgboost");
    assertThat(metadata.getInputs(0).getDatatype()).isEqualTo("FP32");
    assertThat(metadata.getInputs(0).getShapeList()).containsExactly(-1L, 30L);
    assertThat(metadata.getOutputs(0).getShapeList()).containsExactly(-1L);
  }

  @Test
  void modelInfer_fp32Contents_returnsFixtureProbabilities() {
    InferTensorContents.Builder contents = fixtureRows();

    ModelInferResponse response =
        kserve.modelInfer(request().setId("abc").addInputs(input().setContents(contents)).build());

    assertThat(response.getModelName()).isEqualTo(MODEL);
    assertThat(response.getModelVersion()).isEqualTo("1");
    assertThat(response.getId()).isEqualTo("abc");
    assertThat(response.getOutputs(0).getDatatype()).isEqualTo("FP32");
    assertThat(response.getOutputs(0).getShapeList()).containsExactly(64L);
    assertMatchesFixture(response.getOutputs(0).getContents().getFp32ContentsList());
  }

  @Test
  void modelInfer_withoutId_answersWithAGeneratedOne() {
    InferTensorContents.Builder contents = fixtureRows();
    ModelInferResponse first =
        kserve.modelInfer(request().addInputs(input().setContents(contents)).build());
    ModelInferResponse second =
        kserve.modelInfer(request().addInputs(input().setContents(contents)).build());

    assertThat(first.getId()).matches("[0-9a-f]{32}");
    assertThat(second.getId()).matches("[0-9a-f]{32}").isNotEqualTo(first.getId());
  }

  @Test
  void modelInfer_rawLittleEndianInput_answersRaw() {
    float[] rows = Fixtures.breastCancerRows();
    ByteBuffer raw = ByteBuffer.allocate(rows.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(rows);

    ModelInferResponse response =
        kserve.modelInfer(
            request()
                .setModelVersion("1")
                .addInputs(input())
                .addRawInputContents(ByteString.copyFrom(raw.array()))
                .build());

    FloatBuffer out =
        response
            .getRawOutputContents(0)
            .asReadOnlyByteBuffer()
            .order(ByteOrder.LITTLE_ENDIAN)
            .asFloatBuffer();
    List<Float> values = new ArrayList<>();
    while (out.hasRemaining()) {
      values.add(out.get());
    }
    assertMatchesFixture(values);
  }

  @Test
  void modelInfer_badTensors_areInvalidArgumentNamingTheField() {
    assertInvalidField(
        () ->
            kserve.modelInfer(
                request().addInputs(input().clearShape().addShape(64).addShape(29)).build()),
        "inputs[0].shape");
    assertInvalidField(
        () -> kserve.modelInfer(request().addInputs(input().setDatatype("INT64")).build()),
        "inputs[0].datatype");
    assertInvalidField(
        () ->
            kserve.modelInfer(
                request()
                    .addInputs(input())
                    .addRawInputContents(ByteString.copyFrom(new byte[12]))
                    .build()),
        "raw_input_contents[0]");
    assertInvalidField(
        () ->
            kserve.modelInfer(
                request()
                    .addInputs(
                        input().setContents(InferTensorContents.newBuilder().addFp32Contents(1f)))
                    .build()),
        "inputs[0].contents.fp32_contents");
  }

  @Test
  void modelInfer_unknownModel_isNotFound() {
    assertCode(
        () -> kserve.modelInfer(request().setModelName("nope").addInputs(input()).build()),
        Status.Code.NOT_FOUND);
  }

  /** The breast-cancer fixture's 64 rows as FP32 contents. */
  private static InferTensorContents.Builder fixtureRows() {
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (float v : Fixtures.breastCancerRows()) {
      contents.addFp32Contents(v);
    }
    return contents;
  }

  private static ModelInferRequest.Builder request() {
    return ModelInferRequest.newBuilder().setModelName(MODEL);
  }

  private static ModelInferRequest.InferInputTensor.Builder input() {
    return ModelInferRequest.InferInputTensor.newBuilder()
        .setName("input-0")
        .setDatatype("FP32")
        .addShape(64)
        .addShape(30);
  }
}
