package io.canopy.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.canopy.common.testing.Bearer;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.features.v1.CreateFeatureViewRequest;
import io.canopy.proto.features.v1.Feature;
import io.canopy.proto.features.v1.FeatureView;
import io.canopy.proto.features.v1.ValueType;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.AbstractStub;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serving's own port takes tokens too (issue 13, item 7): with serving.auth tokens configured,
 * Predict, KServe and FeatureStore calls need one whose role covers them; health stays open.
 */
class ServingAuthTest {

  private static final String PREDICT = "serving-predict-0123456789";
  private static final String ADMIN = "serving-gateway-0123456789";

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path dir;

  private static <S extends AbstractStub<S>> S with(S stub, String token) {
    return stub.withInterceptors(Bearer.interceptor(token));
  }

  private static Status.Code code(Runnable call) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
    return e == null ? Status.Code.OK : e.getStatus().getCode();
  }

  private static CreateFeatureViewRequest view() {
    return CreateFeatureViewRequest.newBuilder()
        .setFeatureView(
            FeatureView.newBuilder()
                .setName("v")
                .setEntity("id")
                .addFeatures(Feature.newBuilder().setName("f").setType(ValueType.VALUE_TYPE_FLOAT)))
        .build();
  }

  @Test
  void tokensConfigured_everyCallNeedsTheRoleItNeeds_healthStaysOpen() {
    ServingHarness harness = new ServingHarness(cleanup, dir).startRegistry();
    var serving =
        harness.startServing(
            Map.of(
                "serving.auth.admin-token", ADMIN,
                "serving.auth.tokens.0.principal", "scorer",
                "serving.auth.tokens.0.token", PREDICT));
    GetModelStatusRequest status = GetModelStatusRequest.getDefaultInstance();

    // Before: all three succeeded without a token.
    assertThat(code(() -> serving.inference().getModelStatus(status)))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(code(() -> serving.features().createFeatureView(view())))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(code(() -> with(serving.inference(), PREDICT).getModelStatus(status)))
        .isEqualTo(Status.Code.OK);
    assertThat(code(() -> with(serving.features(), PREDICT).createFeatureView(view())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(code(() -> with(serving.features(), ADMIN).createFeatureView(view())))
        .isEqualTo(Status.Code.OK);
    assertThat(
            code(
                () ->
                    HealthGrpc.newBlockingStub(serving.channel())
                        .check(HealthCheckRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.OK);
  }

  @Test
  void noTokensConfigured_authOff_asBefore() {
    var serving = new ServingHarness(cleanup, dir).startRegistry().startServing();

    assertThat(code(() -> serving.features().createFeatureView(view()))).isEqualTo(Status.Code.OK);
  }

  @Test
  void placeholderToken_stopsServingNamingTheKey() {
    ServingHarness harness = new ServingHarness(cleanup, dir);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                harness.servingConfig(
                    Map.of("serving.auth.admin-token", "change-me-serving-admin-token")))
        .hasMessageContaining("serving.auth.admin-token");
  }
}
