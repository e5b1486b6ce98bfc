package io.canopy.registry;

import static io.canopy.registry.Statuses.assertCode;
import static io.canopy.registry.Statuses.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.canopy.common.digest.Sha256;
import io.canopy.common.testing.Await;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.Observers;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.proto.registry.v1.GetModelRequest;
import io.canopy.proto.registry.v1.ListModelsRequest;
import io.canopy.proto.registry.v1.ModelFormat;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.canopy.proto.registry.v1.UploadVersionRequest;
import io.canopy.proto.registry.v1.UploadVersionResponse;
import io.canopy.proto.registry.v1.VersionState;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** UploadVersion end to end on the in-process transport, with real child-process validation. */
@ProcessSuite
class UploadVersionTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path dataDir;

  private InProcessRegistry start(Map<String, String> overrides) {
    return cleanup.register(InProcessRegistry.start(dataDir, overrides));
  }

  private InProcessRegistry start() {
    return start(Map.of());
  }

  private static List<String> featureNames(int n) {
    return IntStream.range(0, n).mapToObj(i -> "f" + i).toList();
  }

  @Test
  void uploadVersion_ubjFixture_readyWithTheFileFacts() throws Exception {
    InProcessRegistry registry = start();
    byte[] bytes = Fixtures.bytes(Fixtures.UBJ);

    ModelVersion v = registry.client.upload("cancer", bytes);

    assertThat(v.getState()).isEqualTo(VersionState.VERSION_STATE_READY);
    assertThat(v.getVersion()).isEqualTo(1);
    assertThat(v.getFormat()).isEqualTo(ModelFormat.MODEL_FORMAT_UBJ);
    assertThat(v.getNumFeatures()).isEqualTo(30);
    assertThat(v.getFeatureNamesList()).isEqualTo(featureNames(30));
    assertThat(v.getObjective()).isEqualTo("binary:logistic");
    assertThat(v.getNumTrees()).isEqualTo(120);
    assertThat(v.getNumClasses()).isZero();
    assertThat(v.getSha256()).isEqualTo(Sha256.hex(bytes));
    assertThat(v.getSizeBytes()).isEqualTo(bytes.length);
    assertThat(v.getCreator()).isEqualTo("anonymous");
    Path artifact =
        registry
            .config
            .artifactDir()
            .resolve("sha256")
            .resolve(v.getSha256().substring(0, 2))
            .resolve(v.getSha256());
    assertThat(Files.readAllBytes(artifact)).isEqualTo(bytes);
    assertThat(
            registry
                .client
                .blocking
                .getModel(GetModelRequest.newBuilder().setName("cancer").build())
                .getModel()
                .getLatestVersion())
        .isEqualTo(1);
    Await.until("staging cleaned", Duration.ofSeconds(10), () -> registry.stagingFiles() == 0);
  }

  @Test
  void uploadVersion_jsonFixture_readyWithTheFileFacts() {
    InProcessRegistry registry = start();

    ModelVersion v = registry.client.upload("cancer", Fixtures.bytes(Fixtures.JSON));

    assertThat(v.getState()).isEqualTo(VersionState.VERSION_STATE_READY);
    assertThat(v.getFormat()).isEqualTo(ModelFormat.MODEL_FORMAT_JSON);
    assertThat(v.getNumFeatures()).isEqualTo(30);
    assertThat(v.getFeatureNamesList()).isEqualTo(featureNames(30));
    assertThat(v.getObjective()).isEqualTo("binary:logistic");
    assertThat(v.getNumTrees()).isEqualTo(120);
  }

  @Test
  void uploadVersion_truncatedModel_failedWithReasonAndRegistryStillAnswers() {
    InProcessRegistry registry = start();

    ModelVersion failed = registry.client.upload("cancer", Fixtures.bytes(Fixtures.TRUNCATED));

    assertThat(failed.getState()).isEqualTo(VersionState.VERSION_STATE_FAILED);
    assertThat(failed.getFailureReason()).isNotBlank();
    assertThat(registry.artifactFiles()).isZero();
    assertThat(
            registry
                .client
                .blocking
                .listModels(ListModelsRequest.getDefaultInstance())
                .getModelsCount())
        .isEqualTo(1);
    ModelVersion next = registry.client.upload("cancer", Fixtures.bytes(Fixtures.UBJ));
    assertThat(next.getVersion()).isEqualTo(2);
    assertThat(next.getState()).isEqualTo(VersionState.VERSION_STATE_READY);
  }

  @Test
  void uploadVersion_bitFlippedModels_failOrPassButNeverCrashTheRegistry() {
    InProcessRegistry registry = start();
    List<ModelVersion> results = new ArrayList<>();

    // One inversion known to SIGSEGV XGBoost's UBJ parser, others that fail or survive.
    for (int offset : new int[] {Fixtures.CRASHING_OFFSET, 76_231, 48_810, 6_105}) {
      results.add(registry.client.upload("flipped", Fixtures.flipped(offset)));
    }

    assertThat(results.get(0).getState()).isEqualTo(VersionState.VERSION_STATE_FAILED);
    assertThat(results.get(0).getFailureReason()).isNotBlank();
    assertThat(results)
        .extracting(ModelVersion::getState)
        .allMatch(
            s -> s == VersionState.VERSION_STATE_READY || s == VersionState.VERSION_STATE_FAILED);
    assertThat(results).extracting(ModelVersion::getVersion).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void uploadVersion_emptyUpload_invalidArgumentAndNothingStored() {
    InProcessRegistry registry = start();

    assertInvalid("chunk", () -> registry.client.upload("empty", new byte[0]));

    assertNothingStored(registry, "empty");
  }

  @Test
  void uploadVersion_garbageBytes_invalidArgumentAndNothingStored() {
    InProcessRegistry registry = start();
    byte[] garbage = "this is not a model at all".getBytes(StandardCharsets.UTF_8);

    assertInvalid("chunk", () -> registry.client.upload("garbage", garbage));

    assertNothingStored(registry, "garbage");
  }

  @Test
  void uploadVersion_expectedSha256Mismatch_refusedAndNothingStored() {
    InProcessRegistry registry = start();
    UploadVersionHeader header =
        UploadVersionHeader.newBuilder()
            .setModel("cancer")
            .setCreateModel(true)
            .setExpectedSha256(Sha256.hex(new byte[] {1, 2, 3}))
            .build();

    assertInvalid(
        "header.expected_sha256",
        () -> registry.client.upload(header, Fixtures.bytes(Fixtures.UBJ)));

    assertNothingStored(registry, "cancer");
  }

  @Test
  void uploadVersion_expectedSha256Matches_ready() {
    InProcessRegistry registry = start();
    byte[] bytes = Fixtures.bytes(Fixtures.UBJ);
    UploadVersionHeader header =
        UploadVersionHeader.newBuilder()
            .setModel("cancer")
            .setCreateModel(true)
            .setExpectedSha256(Sha256.hex(bytes))
            .addAllFeatureNames(featureNames(30))
            .build();

    assertThat(registry.client.upload(header, bytes).getState())
        .isEqualTo(VersionState.VERSION_STATE_READY);
  }

  @Test
  void uploadVersion_declaredFeatureNamesDisagree_failedWithReason() {
    InProcessRegistry registry = start();
    List<String> wrong = new ArrayList<>(featureNames(30));
    wrong.set(7, "radius");
    UploadVersionHeader header =
        UploadVersionHeader.newBuilder()
            .setModel("cancer")
            .setCreateModel(true)
            .addAllFeatureNames(wrong)
            .build();

    ModelVersion v = registry.client.upload(header, Fixtures.bytes(Fixtures.UBJ));

    assertThat(v.getState()).isEqualTo(VersionState.VERSION_STATE_FAILED);
    assertThat(v.getFailureReason()).contains("feature_names");
    assertThat(registry.artifactFiles()).isZero();
  }

  @Test
  void uploadVersion_unknownModelWithoutCreate_notFound() {
    InProcessRegistry registry = start();
    UploadVersionHeader header = UploadVersionHeader.newBuilder().setModel("nobody").build();

    assertCode(
        Status.Code.NOT_FOUND, () -> registry.client.upload(header, Fixtures.bytes(Fixtures.UBJ)));
  }

  @Test
  void uploadVersion_badModelName_invalidArgumentNamingTheField() {
    InProcessRegistry registry = start();
    UploadVersionHeader header =
        UploadVersionHeader.newBuilder().setModel("-bad name").setCreateModel(true).build();

    assertInvalid(
        "header.model", () -> registry.client.upload(header, Fixtures.bytes(Fixtures.UBJ)));
  }

  @Test
  void uploadVersion_chunkBeforeHeader_invalidArgument() {
    InProcessRegistry registry = start();
    CompletableFuture<UploadVersionResponse> response = new CompletableFuture<>();
    StreamObserver<UploadVersionRequest> requests =
        registry.client.async.uploadVersion(Observers.completing(response));

    requests.onNext(
        UploadVersionRequest.newBuilder().setChunk(ByteString.copyFromUtf8("{")).build());
    requests.onCompleted();

    assertInvalid("header", () -> RegistryClient.await(response));
  }

  @Test
  void uploadVersion_overTheSizeCap_invalidArgumentOnChunkAndNothingStored() {
    InProcessRegistry registry = start(Map.of("registry.upload.max-bytes", "100000"));

    assertInvalid("chunk", () -> registry.client.upload("big", Fixtures.bytes(Fixtures.UBJ)));

    assertNothingStored(registry, "big");
  }

  @Test
  void uploadVersion_cancelledMidway_leavesNothingBehind() throws Exception {
    InProcessRegistry registry = start();
    CompletableFuture<UploadVersionResponse> response = new CompletableFuture<>();
    StreamObserver<UploadVersionRequest> requests =
        registry.client.async.uploadVersion(Observers.completing(response));
    requests.onNext(
        UploadVersionRequest.newBuilder()
            .setHeader(UploadVersionHeader.newBuilder().setModel("gone").setCreateModel(true))
            .build());
    requests.onNext(
        UploadVersionRequest.newBuilder()
            .setChunk(ByteString.copyFrom(Fixtures.bytes(Fixtures.UBJ), 0, 50_000))
            .build());
    Await.until("bytes staged", Duration.ofSeconds(10), () -> registry.stagingFiles() == 1);

    requests.onError(new RuntimeException("client gave up"));

    Await.until("staging cleaned", Duration.ofSeconds(10), () -> registry.stagingFiles() == 0);
    assertNothingStored(registry, "gone");
  }

  @Test
  void uploadVersion_validationTimesOut_failedAndChildKilled() {
    InProcessRegistry registry = start(Map.of("registry.validation.timeout", "1ms"));

    ModelVersion v = registry.client.upload("slow", Fixtures.bytes(Fixtures.UBJ));

    assertThat(v.getState()).isEqualTo(VersionState.VERSION_STATE_FAILED);
    assertThat(v.getFailureReason()).contains("1ms");
    assertThat(registry.artifactFiles()).isZero();
  }

  private static void assertNothingStored(InProcessRegistry registry, String model) {
    assertCode(
        Status.Code.NOT_FOUND,
        () ->
            registry.client.blocking.getModel(GetModelRequest.newBuilder().setName(model).build()));
    assertThat(registry.artifactFiles()).isZero();
    Await.until("staging cleaned", Duration.ofSeconds(10), () -> registry.stagingFiles() == 0);
  }
}
