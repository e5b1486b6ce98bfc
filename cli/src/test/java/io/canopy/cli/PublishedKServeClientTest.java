package io.canopy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import inference.GRPCInferenceServiceGrpc;
import inference.GrpcPredictV2.InferTensorContents;
import inference.GrpcPredictV2.ModelInferRequest;
import inference.GrpcPredictV2.ModelInferResponse;
import inference.GrpcPredictV2.ModelMetadataRequest;
import inference.GrpcPredictV2.ModelMetadataResponse;
import inference.GrpcPredictV2.ModelReadyRequest;
import inference.GrpcPredictV2.ServerLiveRequest;
import inference.GrpcPredictV2.ServerReadyRequest;
import io.canopy.cli.registry.ModelUploader;
import io.canopy.cli.up.Suite;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.SetAliasRequest;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.grpc.ManagedChannel;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KServe v2 compatibility: a client generated from the published Open Inference Protocol proto
 * (Apache Camel's camel-kserve stubs, package {@code inference}), not from our copy of it, calls
 * serving-service and the gateway and gets the Python-computed answers.
 */
@ProcessSuite
class PublishedKServeClientTest {

  private static final String MODEL = "kserve-compat";
  private static final int FEATURES = 30;

  @TempDir static Path dir;
  private static Suite suite;
  private static ManagedChannel serving;
  private static ManagedChannel gateway;

  @BeforeAll
  static void start() throws Exception {
    suite = TestSuites.start(dir);
    ManagedChannel registry = TestSuites.channel(suite.registry().grpcPort());
    serving = TestSuites.channel(suite.serving().grpcPort());
    gateway = TestSuites.channel(suite.gateway().grpcPort());
    try {
      ModelVersion version =
          new ModelUploader(registry)
              .upload(
                  UploadVersionHeader.newBuilder().setModel(MODEL).setCreateModel(true).build(),
                  new ByteArrayInputStream(Fixtures.bytes("breast_cancer_binary.ubj")),
                  120,
                  sent -> {});
      ModelRegistryServiceGrpc.newBlockingStub(registry)
          .setAlias(
              SetAliasRequest.newBuilder()
                  .setModel(MODEL)
                  .setAlias("production")
                  .setVersion(version.getVersion())
                  .build());
      TestSuites.awaitAvailable(serving, MODEL, version.getVersion(), Duration.ofSeconds(60));
    } finally {
      registry.shutdownNow();
    }
  }

  @AfterAll
  static void stop() {
    if (serving != null) {
      serving.shutdownNow();
      gateway.shutdownNow();
    }
    if (suite != null) {
      suite.close();
    }
  }

  @Test
  void publishedClient_getsCorrectAnswers_fromServingAndGateway() {
    float[] rows = Fixtures.matrix("breast_cancer_rows.csv", FEATURES);
    double[] expected = Fixtures.column("breast_cancer_expected_probability.csv");
    int n = expected.length;
    for (ManagedChannel channel : List.of(serving, gateway)) {
      var stub =
          GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
      assertThat(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
      assertThat(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
      assertThat(stub.modelReady(ModelReadyRequest.newBuilder().setName(MODEL).build()).getReady())
          .isTrue();

      ModelMetadataResponse metadata =
          stub.modelMetadata(ModelMetadataRequest.newBuilder().setName(MODEL).build());
      assertThat(metadata.getInputs(0).getDatatype()).isEqualTo("FP32");
      assertThat(metadata.getInputs(0).getShapeList()).containsExactly(-1L, (long) FEATURES);

      InferTensorContents.Builder contents = InferTensorContents.newBuilder();
      for (float v : rows) {
        contents.addFp32Contents(v);
      }
      ModelInferResponse typed =
          stub.modelInfer(
              ModelInferRequest.newBuilder()
                  .setModelName(MODEL)
                  .setId("typed")
                  .addInputs(
                      ModelInferRequest.InferInputTensor.newBuilder()
                          .setName("input-0")
                          .setDatatype("FP32")
                          .addShape(n)
                          .addShape(FEATURES)
                          .setContents(contents))
                  .build());
      assertThat(typed.getId()).isEqualTo("typed");
      List<Float> values = typed.getOutputs(0).getContents().getFp32ContentsList();
      assertThat(values).hasSize(n);
      for (int i = 0; i < n; i++) {
        assertThat((double) values.get(i)).isCloseTo(expected[i], within(1e-6));
      }

      ByteBuffer raw =
          ByteBuffer.allocate(rows.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : rows) {
        raw.putFloat(v);
      }
      ModelInferResponse rawResponse =
          stub.modelInfer(
              ModelInferRequest.newBuilder()
                  .setModelName(MODEL)
                  .addInputs(
                      ModelInferRequest.InferInputTensor.newBuilder()
                          .setName("input-0")
                          .setDatatype("FP32")
                          .addShape(n)
                          .addShape(FEATURES))
                  .addRawInputContents(com.google.protobuf.ByteString.copyFrom(raw.flip()))
                  .build());
      ByteBuffer out =
          rawResponse.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        assertThat((double) out.getFloat()).isCloseTo(expected[i], within(1e-6));
      }
    }
  }
}
