package io.canopy.registry;

import static io.canopy.registry.Statuses.assertCode;
import static io.canopy.registry.Statuses.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.registry.v1.ArchiveVersionRequest;
import io.canopy.proto.registry.v1.AuditEvent;
import io.canopy.proto.registry.v1.CreateModelRequest;
import io.canopy.proto.registry.v1.DeleteAliasRequest;
import io.canopy.proto.registry.v1.DeleteModelRequest;
import io.canopy.proto.registry.v1.GetModelRequest;
import io.canopy.proto.registry.v1.GetVersionRequest;
import io.canopy.proto.registry.v1.ListAuditEventsRequest;
import io.canopy.proto.registry.v1.ListModelsRequest;
import io.canopy.proto.registry.v1.ListModelsResponse;
import io.canopy.proto.registry.v1.ListVersionsRequest;
import io.canopy.proto.registry.v1.ListVersionsResponse;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.SetAliasRequest;
import io.canopy.proto.registry.v1.SetTrafficPolicyRequest;
import io.canopy.proto.registry.v1.ShadowTarget;
import io.canopy.proto.registry.v1.TrafficPolicy;
import io.canopy.proto.registry.v1.TrafficSplit;
import io.canopy.proto.registry.v1.VersionState;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Models, versions, aliases, policies, downloads and the audit log over gRPC. */
abstract class VersionsAndAliasesContract {

  private final Backend backend;

  VersionsAndAliasesContract(Backend backend) {
    this.backend = backend;
  }

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path dataDir;
  private InProcessRegistry registry;
  private RegistryClient client;

  @BeforeEach
  void start() {
    TestBackend storage = cleanup.register(TestBackend.create(backend));
    registry = cleanup.register(InProcessRegistry.start(dataDir, storage, Map.of()));
    client = registry.client;
  }

  private Model model(String name) {
    return client.blocking.getModel(GetModelRequest.newBuilder().setName(name).build()).getModel();
  }

  private Model setAlias(String model, String alias, long version) {
    return client
        .blocking
        .setAlias(
            SetAliasRequest.newBuilder()
                .setModel(model)
                .setAlias(alias)
                .setVersion(version)
                .build())
        .getModel();
  }

  @Test
  void uploadVersion_threeUploads_numberedOneTwoThreeAndListedNewestFirstInPages() {
    byte[] bytes = Fixtures.bytes(Fixtures.UBJ);
    for (int i = 0; i < 3; i++) {
      client.upload("cancer", bytes);
    }

    ListVersionsResponse first =
        client.blocking.listVersions(
            ListVersionsRequest.newBuilder().setModel("cancer").setPageSize(2).build());
    ListVersionsResponse second =
        client.blocking.listVersions(
            ListVersionsRequest.newBuilder()
                .setModel("cancer")
                .setPageSize(2)
                .setPageToken(first.getNextPageToken())
                .build());

    assertThat(first.getVersionsList())
        .extracting(ModelVersion::getVersion)
        .containsExactly(3L, 2L);
    assertThat(second.getVersionsList()).extracting(ModelVersion::getVersion).containsExactly(1L);
    assertThat(second.getNextPageToken()).isEmpty();
    assertThat(model("cancer").getLatestVersion()).isEqualTo(3);
  }

  @Test
  void uploadVersion_concurrentUploads_getDistinctNumbers() throws Exception {
    byte[] bytes = Fixtures.bytes(Fixtures.UBJ);
    client.blocking.createModel(CreateModelRequest.newBuilder().setName("busy").build());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<ModelVersion>> uploads = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        uploads.add(CompletableFuture.supplyAsync(() -> client.upload("busy", bytes), pool));
      }
      List<Long> numbers = new ArrayList<>();
      for (CompletableFuture<ModelVersion> upload : uploads) {
        ModelVersion v = upload.get();
        assertThat(v.getState()).isEqualTo(VersionState.VERSION_STATE_READY);
        numbers.add(v.getVersion());
      }
      assertThat(numbers).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void downloadVersion_multiChunkArtifact_returnsIdenticalBytesAfterMetadata() {
    byte[] bytes = Fixtures.paddedJson(2_600_000);
    ModelVersion uploaded = client.upload("padded", bytes);
    assertThat(uploaded.getState()).isEqualTo(VersionState.VERSION_STATE_READY);

    RegistryClient.Download download = client.download("padded", 1);

    assertThat(download.version().getSha256()).isEqualTo(uploaded.getSha256());
    assertThat(download.chunks()).isEqualTo(3);
    assertThat(RegistryClient.sameBytes(download.bytes(), bytes)).isTrue();
  }

  @Test
  void downloadVersion_failedOrUnknownVersion_refused() {
    client.upload("broken", Fixtures.bytes(Fixtures.TRUNCATED));

    assertCode(Status.Code.FAILED_PRECONDITION, () -> client.download("broken", 1));
    assertCode(Status.Code.NOT_FOUND, () -> client.download("broken", 2));
    assertCode(Status.Code.NOT_FOUND, () -> client.download("nobody", 1));
  }

  @Test
  void setAlias_readyVersion_pointsAtItUntilDeleted() {
    client.upload("cancer", Fixtures.bytes(Fixtures.UBJ));
    client.upload("cancer", Fixtures.bytes(Fixtures.TRUNCATED));

    assertThat(setAlias("cancer", "production", 1).getAliasesMap()).containsEntry("production", 1L);
    assertCode(Status.Code.FAILED_PRECONDITION, () -> setAlias("cancer", "staging", 2));
    assertCode(Status.Code.NOT_FOUND, () -> setAlias("cancer", "staging", 9));
    assertCode(Status.Code.NOT_FOUND, () -> setAlias("nobody", "staging", 1));
    assertInvalid("alias", () -> setAlias("cancer", "latest", 1));
    assertInvalid("alias", () -> setAlias("cancer", "no spaces", 1));
    assertInvalid("version", () -> setAlias("cancer", "staging", 0));

    Model after =
        client
            .blocking
            .deleteAlias(
                DeleteAliasRequest.newBuilder().setModel("cancer").setAlias("production").build())
            .getModel();
    assertThat(after.getAliasesMap()).isEmpty();
    assertCode(
        Status.Code.NOT_FOUND,
        () ->
            client.blocking.deleteAlias(
                DeleteAliasRequest.newBuilder().setModel("cancer").setAlias("production").build()));
  }

  @Test
  void createModel_namesAndDuplicates_validated() {
    Model created =
        client
            .blocking
            .createModel(
                CreateModelRequest.newBuilder()
                    .setName("churn.v2_x-1")
                    .setDescription("churn")
                    .putLabels("team", "growth")
                    .build())
            .getModel();

    assertThat(created.getLabelsMap()).containsEntry("team", "growth");
    assertThat(model("churn.v2_x-1").getDescription()).isEqualTo("churn");
    assertCode(
        Status.Code.ALREADY_EXISTS,
        () ->
            client.blocking.createModel(
                CreateModelRequest.newBuilder().setName("churn.v2_x-1").build()));
    assertInvalid(
        "name",
        () -> client.blocking.createModel(CreateModelRequest.newBuilder().setName("").build()));
    assertInvalid(
        "name",
        () -> client.blocking.createModel(CreateModelRequest.newBuilder().setName("_x").build()));
    assertInvalid(
        "name",
        () ->
            client.blocking.createModel(
                CreateModelRequest.newBuilder().setName("a".repeat(129)).build()));
    assertCode(Status.Code.NOT_FOUND, () -> model("nobody"));
    assertCode(
        Status.Code.NOT_FOUND,
        () ->
            client.blocking.getVersion(
                GetVersionRequest.newBuilder().setModel("churn.v2_x-1").setVersion(1).build()));
  }

  @Test
  void listModels_pages_inNameOrder() {
    for (String name : List.of("c", "a", "b")) {
      client.blocking.createModel(CreateModelRequest.newBuilder().setName(name).build());
    }

    ListModelsResponse first =
        client.blocking.listModels(ListModelsRequest.newBuilder().setPageSize(2).build());
    ListModelsResponse second =
        client.blocking.listModels(
            ListModelsRequest.newBuilder()
                .setPageSize(2)
                .setPageToken(first.getNextPageToken())
                .build());

    assertThat(first.getModelsList()).extracting(Model::getName).containsExactly("a", "b");
    assertThat(second.getModelsList()).extracting(Model::getName).containsExactly("c");
    assertThat(second.getNextPageToken()).isEmpty();
    assertInvalid(
        "page_token",
        () ->
            client.blocking.listModels(
                ListModelsRequest.newBuilder().setPageToken("bogus!").build()));
  }

  @Test
  void deleteModel_refusedWhileAliased_thenRemovesVersionsAndArtifacts() {
    client.upload("cancer", Fixtures.bytes(Fixtures.UBJ));
    setAlias("cancer", "production", 1);
    DeleteModelRequest delete = DeleteModelRequest.newBuilder().setName("cancer").build();

    assertCode(Status.Code.FAILED_PRECONDITION, () -> client.blocking.deleteModel(delete));

    client.blocking.deleteAlias(
        DeleteAliasRequest.newBuilder().setModel("cancer").setAlias("production").build());
    client.blocking.deleteModel(delete);
    assertCode(Status.Code.NOT_FOUND, () -> model("cancer"));
    assertThat(registry.artifactFiles()).isZero();
    assertCode(Status.Code.NOT_FOUND, () -> client.blocking.deleteModel(delete));
  }

  @Test
  void archiveVersion_refusedWhileReferenced_thenHiddenFromLatestButDownloadable() {
    byte[] bytes = Fixtures.bytes(Fixtures.UBJ);
    client.upload("cancer", bytes);
    client.upload("cancer", bytes);
    setAlias("cancer", "production", 2);
    ArchiveVersionRequest archive2 =
        ArchiveVersionRequest.newBuilder().setModel("cancer").setVersion(2).build();

    assertCode(Status.Code.FAILED_PRECONDITION, () -> client.blocking.archiveVersion(archive2));

    setAlias("cancer", "production", 1);
    ModelVersion archived = client.blocking.archiveVersion(archive2).getVersion();
    assertThat(archived.getState()).isEqualTo(VersionState.VERSION_STATE_ARCHIVED);
    assertThat(model("cancer").getLatestVersion()).isEqualTo(1);
    assertCode(Status.Code.FAILED_PRECONDITION, () -> setAlias("cancer", "staging", 2));
    assertThat(client.download("cancer", 2).bytes()).isEqualTo(bytes);
  }

  @Test
  void setTrafficPolicy_validatedThenShownOnTheModel() {
    byte[] bytes = Fixtures.bytes(Fixtures.UBJ);
    client.upload("cancer", bytes);
    client.upload("cancer", bytes);
    client.upload("cancer", Fixtures.bytes(Fixtures.TRUNCATED));
    setAlias("cancer", "production", 1);
    TrafficPolicy canary =
        TrafficPolicy.newBuilder()
            .addSplits(TrafficSplit.newBuilder().setAlias("production").setPercent(90))
            .addSplits(TrafficSplit.newBuilder().setVersion(2).setPercent(10))
            .setSticky(true)
            .setShadow(ShadowTarget.newBuilder().setVersion(2).setSampleRate(0.5))
            .build();

    Model model =
        client
            .blocking
            .setTrafficPolicy(
                SetTrafficPolicyRequest.newBuilder().setModel("cancer").setPolicy(canary).build())
            .getModel();

    assertThat(model.getTrafficPolicy()).isEqualTo(canary);
    assertThat(model("cancer").getTrafficPolicy()).isEqualTo(canary);
    assertInvalid(
        "policy.splits",
        () ->
            setPolicy(
                canary.toBuilder()
                    .setSplits(1, canary.getSplits(1).toBuilder().setPercent(20))
                    .build()));
    assertInvalid(
        "policy.shadow.sample_rate",
        () ->
            setPolicy(
                canary.toBuilder().setShadow(ShadowTarget.newBuilder().setVersion(2)).build()));
    assertCode(
        Status.Code.FAILED_PRECONDITION,
        () ->
            setPolicy(
                canary.toBuilder()
                    .setSplits(1, canary.getSplits(1).toBuilder().setVersion(3))
                    .build()));
    assertCode(
        Status.Code.FAILED_PRECONDITION,
        () ->
            client.blocking.deleteAlias(
                DeleteAliasRequest.newBuilder().setModel("cancer").setAlias("production").build()));

    assertThat(setPolicy(TrafficPolicy.getDefaultInstance()).hasTrafficPolicy()).isFalse();
  }

  private Model setPolicy(TrafficPolicy policy) {
    return client
        .blocking
        .setTrafficPolicy(
            SetTrafficPolicyRequest.newBuilder().setModel("cancer").setPolicy(policy).build())
        .getModel();
  }

  @Test
  void listAuditEvents_everyMutation_recordedNewestFirst() {
    client.upload("cancer", Fixtures.bytes(Fixtures.UBJ));
    setAlias("cancer", "production", 1);

    List<AuditEvent> events =
        client
            .blocking
            .listAuditEvents(ListAuditEventsRequest.newBuilder().setModel("cancer").build())
            .getEventsList();

    assertThat(events)
        .extracting(AuditEvent::getAction)
        .containsExactly("SetAlias", "ValidateVersion", "UploadVersion", "CreateModel");
    assertThat(events.get(0).getActor()).isEqualTo("anonymous");
    assertThat(events.get(0).getVersion()).isEqualTo(1);
    assertThat(events.get(0).getId()).isGreaterThan(events.get(1).getId());
    List<AuditEvent> page =
        client
            .blocking
            .listAuditEvents(ListAuditEventsRequest.newBuilder().setPageSize(3).build())
            .getEventsList();
    assertThat(page).hasSize(3);
  }
}
