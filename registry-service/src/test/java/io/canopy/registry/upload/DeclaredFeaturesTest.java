package io.canopy.registry.upload;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.proto.registry.v1.InputBinding;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.canopy.proto.registry.v1.VersionState;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeclaredFeaturesTest {

  private static ModelVersion ready(List<String> names) {
    return ModelVersion.newBuilder()
        .setState(VersionState.VERSION_STATE_READY)
        .setNumFeatures(2)
        .addAllFeatureNames(names)
        .build();
  }

  private static UploadVersionHeader declaring(List<String> names, List<String> types) {
    return UploadVersionHeader.newBuilder()
        .addAllFeatureNames(names)
        .addAllFeatureTypes(types)
        .build();
  }

  @Test
  void reconcile_nothingDeclared_keepsTheFileFacts() {
    ModelVersion out =
        DeclaredFeatures.reconcile(
            ready(List.of("a", "b")), UploadVersionHeader.getDefaultInstance());

    assertThat(out.getState()).isEqualTo(VersionState.VERSION_STATE_READY);
    assertThat(out.getFeatureNamesList()).containsExactly("a", "b");
  }

  @Test
  void reconcile_fileWithoutNames_adoptsTheDeclaredOnes() {
    ModelVersion out =
        DeclaredFeatures.reconcile(
            ready(List.of()), declaring(List.of("x", "y"), List.of("q", "c")));

    assertThat(out.getState()).isEqualTo(VersionState.VERSION_STATE_READY);
    assertThat(out.getFeatureNamesList()).containsExactly("x", "y");
    assertThat(out.getFeatureTypesList()).containsExactly("q", "c");
  }

  @Test
  void reconcile_contradictionsOrWrongCounts_failed() {
    assertThat(
            DeclaredFeatures.reconcile(
                    ready(List.of("a", "b")), declaring(List.of("b", "a"), List.of()))
                .getState())
        .isEqualTo(VersionState.VERSION_STATE_FAILED);
    assertThat(
            DeclaredFeatures.reconcile(ready(List.of()), declaring(List.of("x"), List.of()))
                .getState())
        .isEqualTo(VersionState.VERSION_STATE_FAILED);
    UploadVersionHeader badBinding =
        UploadVersionHeader.newBuilder()
            .setInputBinding(InputBinding.newBuilder().setFeatureView("v").addFeatures("only-one"))
            .build();
    assertThat(DeclaredFeatures.reconcile(ready(List.of("a", "b")), badBinding).getState())
        .isEqualTo(VersionState.VERSION_STATE_FAILED);
  }

  @Test
  void reconcile_failedOutcome_untouched() {
    ModelVersion failed =
        ModelVersion.newBuilder()
            .setState(VersionState.VERSION_STATE_FAILED)
            .setFailureReason("x")
            .build();

    assertThat(DeclaredFeatures.reconcile(failed, declaring(List.of("a"), List.of())))
        .isEqualTo(failed);
  }
}
