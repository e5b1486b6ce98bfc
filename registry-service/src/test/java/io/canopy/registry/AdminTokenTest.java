package io.canopy.registry;

import static io.canopy.registry.Statuses.assertCode;
import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.proto.registry.v1.AuditEvent;
import io.canopy.proto.registry.v1.CreateModelRequest;
import io.canopy.proto.registry.v1.DeleteModelRequest;
import io.canopy.proto.registry.v1.GetModelRequest;
import io.canopy.proto.registry.v1.GetVersionReferenceRequest;
import io.canopy.proto.registry.v1.ListAuditEventsRequest;
import io.canopy.proto.registry.v1.ListModelsRequest;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.ReferenceSample;
import io.canopy.proto.registry.v1.SetAliasRequest;
import io.canopy.proto.registry.v1.SetVersionReferenceRequest;
import io.canopy.proto.registry.v1.VersionState;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Admin tokens: mutations need one when configured, reads never do, the audit names who. */
@ProcessSuite
class AdminTokenTest {

  private static final String ADMIN_TOKEN = "admin-secret-0123456789";
  private static final String CI_TOKEN = "ci-secret-0123456789abc";

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path dataDir;

  private InProcessRegistry startWithTokens() {
    return cleanup.register(
        InProcessRegistry.start(
            dataDir,
            Map.of(
                "registry.auth.admin-token", ADMIN_TOKEN,
                "registry.auth.admin-tokens.0.principal", "ci",
                "registry.auth.admin-tokens.0.token", CI_TOKEN)));
  }

  private static CreateModelRequest create(String name) {
    return CreateModelRequest.newBuilder().setName(name).build();
  }

  @Test
  void mutation_withoutOrWithWrongToken_unauthenticatedAndNothingChanges() {
    InProcessRegistry registry = startWithTokens();

    assertCode(
        Status.Code.UNAUTHENTICATED, () -> registry.client.blocking.createModel(create("m")));
    assertCode(
        Status.Code.UNAUTHENTICATED,
        () -> registry.clientWithToken("wrong-token-0123456789").blocking.createModel(create("m")));
    assertCode(
        Status.Code.UNAUTHENTICATED,
        () -> registry.client.upload("m", Fixtures.bytes(Fixtures.UBJ)));
    assertCode(
        Status.Code.UNAUTHENTICATED,
        () ->
            registry.client.blocking.deleteModel(
                DeleteModelRequest.newBuilder().setName("m").build()));

    assertThat(
            registry
                .client
                .blocking
                .listModels(ListModelsRequest.getDefaultInstance())
                .getModelsList())
        .isEmpty();
    assertThat(registry.artifactFiles()).isZero();
  }

  @Test
  void mutation_withToken_succeedsAndTheAuditRecordsItsPrincipal() {
    InProcessRegistry registry = startWithTokens();
    RegistryClient ci = registry.clientWithToken(CI_TOKEN);
    RegistryClient admin = registry.clientWithToken(ADMIN_TOKEN);

    ci.blocking.createModel(create("m"));
    assertThat(admin.upload("m", Fixtures.bytes(Fixtures.UBJ)).getState())
        .isEqualTo(VersionState.VERSION_STATE_READY);
    ci.blocking.setAlias(
        SetAliasRequest.newBuilder().setModel("m").setAlias("production").setVersion(1).build());

    List<AuditEvent> events =
        registry
            .client
            .blocking
            .listAuditEvents(ListAuditEventsRequest.newBuilder().setModel("m").build())
            .getEventsList();
    assertThat(events)
        .extracting(AuditEvent::getAction, AuditEvent::getActor)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("SetAlias", "ci"),
            org.assertj.core.groups.Tuple.tuple("ValidateVersion", "registry"),
            org.assertj.core.groups.Tuple.tuple("UploadVersion", "admin"),
            org.assertj.core.groups.Tuple.tuple("CreateModel", "ci"));
  }

  @Test
  void reads_withoutToken_stayOpen() throws Exception {
    InProcessRegistry registry = startWithTokens();
    registry.clientWithToken(ADMIN_TOKEN).blocking.createModel(create("m"));

    assertThat(
            registry
                .client
                .blocking
                .getModel(GetModelRequest.newBuilder().setName("m").build())
                .getModel()
                .getName())
        .isEqualTo("m");
    try (RegistryClient.Watch watch = registry.client.watch(0)) {
      assertThat(watch.next().getModelsList()).hasSize(1);
    }
  }

  @Test
  void authOff_mutationsOpenAndRecordedAsAnonymous() {
    InProcessRegistry registry = cleanup.register(InProcessRegistry.start(dataDir));

    registry.client.blocking.createModel(create("m"));

    assertThat(
            registry
                .client
                .blocking
                .listAuditEvents(ListAuditEventsRequest.getDefaultInstance())
                .getEvents(0)
                .getActor())
        .isEqualTo("anonymous");
  }

  @Test
  void versionReference_setNeedsTheAdminToken_readStaysOpen_andIsChecked() {
    InProcessRegistry registry = startWithTokens();
    RegistryClient admin = registry.clientWithToken(ADMIN_TOKEN);
    admin.blocking.createModel(create("m"));
    ModelVersion v = admin.upload("m", Fixtures.bytes(Fixtures.UBJ));
    ReferenceSample.Builder sample = ReferenceSample.newBuilder().setRows(2);
    for (int f = 0; f < v.getNumFeatures(); f++) {
      sample.addFeatureNames(v.getFeatureNamesCount() > 0 ? v.getFeatureNames(f) : "f" + f);
    }
    for (int row = 0; row < 2; row++) {
      for (int f = 0; f < v.getNumFeatures(); f++) {
        sample.addValues(row + f * 0.5f);
      }
    }
    SetVersionReferenceRequest set =
        SetVersionReferenceRequest.newBuilder()
            .setModel("m")
            .setVersion(1)
            .setSample(sample)
            .build();
    GetVersionReferenceRequest get =
        GetVersionReferenceRequest.newBuilder().setModel("m").setVersion(1).build();

    assertCode(
        Status.Code.UNAUTHENTICATED, () -> registry.client.blocking.setVersionReference(set));
    assertCode(Status.Code.NOT_FOUND, () -> registry.client.blocking.getVersionReference(get));
    assertThat(admin.blocking.setVersionReference(set).getRows()).isEqualTo(2);
    assertThat(registry.client.blocking.getVersionReference(get).getSample())
        .isEqualTo(sample.build());
    assertCode(
        Status.Code.INVALID_ARGUMENT,
        () ->
            admin.blocking.setVersionReference(
                set.toBuilder().setSample(sample.clone().setRows(3)).build()));
    assertCode(
        Status.Code.NOT_FOUND,
        () -> admin.blocking.setVersionReference(set.toBuilder().setVersion(9).build()));
  }
}
