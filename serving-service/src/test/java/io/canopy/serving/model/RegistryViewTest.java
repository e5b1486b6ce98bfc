package io.canopy.serving.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.proto.registry.v1.ChangeKind;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.ShadowTarget;
import io.canopy.proto.registry.v1.TrafficPolicy;
import io.canopy.proto.registry.v1.TrafficSplit;
import io.canopy.proto.registry.v1.VersionState;
import io.canopy.proto.registry.v1.WatchModelsResponse;
import org.junit.jupiter.api.Test;

class RegistryViewTest {

  private static ModelVersion version(long v, VersionState state) {
    return ModelVersion.newBuilder().setModel("m").setVersion(v).setState(state).build();
  }

  private static WatchModelsResponse event(long revision, ChangeKind kind) {
    return WatchModelsResponse.newBuilder().setRevision(revision).setKind(kind).build();
  }

  @Test
  void referenced_coversAliasesLatestSplitsAndShadow() {
    Model model =
        Model.newBuilder()
            .setName("m")
            .putAliases("production", 3)
            .setLatestVersion(7)
            .setTrafficPolicy(
                TrafficPolicy.newBuilder()
                    .addSplits(TrafficSplit.newBuilder().setVersion(5).setPercent(90))
                    .addSplits(TrafficSplit.newBuilder().setAlias("production").setPercent(10))
                    .setShadow(ShadowTarget.newBuilder().setVersion(6).setSampleRate(0.1)))
            .build();

    assertThat(RegistryView.referenced(model)).containsExactly(3L, 5L, 6L, 7L);
    assertThat(RegistryView.splitVersions(model)).containsExactly(3L, 5L);
    assertThat(RegistryView.aliases(model))
        .containsEntry("latest", 7L)
        .containsEntry("production", 3L);
  }

  @Test
  void apply_staleChange_isIgnoredButASnapshotAlwaysApplies() {
    RegistryView view = new RegistryView();
    view.apply(
        event(5, ChangeKind.CHANGE_KIND_SNAPSHOT).toBuilder()
            .addModels(Model.newBuilder().setName("m"))
            .build());

    boolean stale =
        view.apply(
            event(4, ChangeKind.CHANGE_KIND_MODEL_DELETED).toBuilder()
                .setDeletedModel("m")
                .build());

    assertThat(stale).isFalse();
    assertThat(view.model("m")).isNotNull();
    assertThat(view.apply(event(3, ChangeKind.CHANGE_KIND_SNAPSHOT))).isTrue();
    assertThat(view.model("m")).isNull();
    assertThat(view.revision()).isEqualTo(3);
  }

  @Test
  void apply_versionUpserts_trackStateAndDropArchivedVersions() {
    RegistryView view = new RegistryView();
    view.apply(
        event(1, ChangeKind.CHANGE_KIND_SNAPSHOT).toBuilder()
            .addModels(Model.newBuilder().setName("m"))
            .build());

    view.apply(
        event(2, ChangeKind.CHANGE_KIND_VERSION_UPSERTED).toBuilder()
            .addVersions(version(1, VersionState.VERSION_STATE_READY))
            .build());
    view.apply(
        event(3, ChangeKind.CHANGE_KIND_VERSION_UPSERTED).toBuilder()
            .addVersions(version(2, VersionState.VERSION_STATE_READY))
            .build());
    view.apply(
        event(4, ChangeKind.CHANGE_KIND_VERSION_UPSERTED).toBuilder()
            .addVersions(version(1, VersionState.VERSION_STATE_ARCHIVED))
            .build());

    assertThat(view.version(new VersionKey("m", 1))).isNull();
    assertThat(view.version(new VersionKey("m", 2)).getState())
        .isEqualTo(VersionState.VERSION_STATE_READY);
    assertThat(view.toSnapshot().getVersionsCount()).isEqualTo(1);
    assertThat(view.toSnapshot().getRevision()).isEqualTo(4);
  }
}
