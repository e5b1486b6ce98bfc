package io.canopy.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.proto.features.v1.FeatureStoreServiceGrpc;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MethodRolesTest {

  @Test
  void inferenceTable_listsEveryMethodOfEveryService_soNoneIsLeftOpenByAccident() {
    MethodRoles table = InferenceRoles.table();

    assertThat(table.missing(InferenceServiceGrpc.getServiceDescriptor())).isEmpty();
    assertThat(table.missing(GRPCInferenceServiceGrpc.getServiceDescriptor())).isEmpty();
    assertThat(table.missing(FeatureStoreServiceGrpc.getServiceDescriptor())).isEmpty();
  }

  @Test
  void inferenceTable_predictReadsWriteFeaturesAdministerViews() {
    MethodRoles table = InferenceRoles.table();

    assertThat(table.needed(InferenceServiceGrpc.getPredictMethod().getFullMethodName()))
        .contains(Role.PREDICT);
    assertThat(table.needed(GRPCInferenceServiceGrpc.getModelInferMethod().getFullMethodName()))
        .contains(Role.PREDICT);
    assertThat(
            table.needed(FeatureStoreServiceGrpc.getGetOnlineFeaturesMethod().getFullMethodName()))
        .contains(Role.PREDICT);
    assertThat(table.needed(FeatureStoreServiceGrpc.getWriteFeaturesMethod().getFullMethodName()))
        .contains(Role.WRITE_FEATURES);
    assertThat(
            table.needed(FeatureStoreServiceGrpc.getCreateFeatureViewMethod().getFullMethodName()))
        .contains(Role.ADMIN);
    assertThat(
            table.needed(FeatureStoreServiceGrpc.getDeleteFeatureViewMethod().getFullMethodName()))
        .contains(Role.ADMIN);
    assertThat(table.needed("some.new.Service/Method"))
        .as("unlisted: refused to everyone")
        .isNull();
    assertThat(
            new MethodRoles()
                .open(InferenceServiceGrpc.getPredictMethod())
                .needed(InferenceServiceGrpc.getPredictMethod().getFullMethodName()))
        .isEqualTo(Optional.empty());
  }

  @Test
  void roles_eachIncludesTheOnesBefore() {
    assertThat(Role.ADMIN.covers(Role.WRITE_FEATURES)).isTrue();
    assertThat(Role.WRITE_FEATURES.covers(Role.PREDICT)).isTrue();
    assertThat(Role.PREDICT.covers(Role.WRITE_FEATURES)).isFalse();
    assertThat(Role.WRITE_FEATURES.covers(Role.ADMIN)).isFalse();
    assertThat(Role.parse("write-features", "k")).isEqualTo(Role.WRITE_FEATURES);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Role.parse("root", "gateway.auth.tokens.0.role"))
        .hasMessageContaining("gateway.auth.tokens.0.role");
  }
}
