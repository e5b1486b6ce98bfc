package io.canopy.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.Bearer;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.features.v1.CreateFeatureViewRequest;
import io.canopy.proto.features.v1.DeleteFeatureViewRequest;
import io.canopy.proto.features.v1.Feature;
import io.canopy.proto.features.v1.FeatureStoreServiceGrpc;
import io.canopy.proto.features.v1.FeatureView;
import io.canopy.proto.features.v1.GetOnlineFeaturesRequest;
import io.canopy.proto.features.v1.ValueType;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tokens carry roles (issue 13, item 8): a prediction client can no longer write features or delete
 * the view a model's binding reads; the older single client token keeps predicting and writing
 * features but no longer administers views. Registry writes over HTTP need admin; the console's
 * reads need predict, and its page none.
 */
class GatewayRolesTest {

  private static final String PREDICT = "predict-secret-0123456789";
  private static final String WRITER = "writer-secret-0123456789";
  private static final String ADMIN = "admin-secret-0123456789x";
  private static final String LEGACY = "legacy-client-0123456789";

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  private RunningGateway gw;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    gw =
        cleanup.register(
            new RunningGateway(
                Map.of(
                    "gateway.auth.tokens.0.principal", "scorer",
                    "gateway.auth.tokens.0.token", PREDICT,
                    "gateway.auth.tokens.1.principal", "etl",
                    "gateway.auth.tokens.1.token", WRITER,
                    "gateway.auth.tokens.1.role", "write-features",
                    "gateway.auth.tokens.2.principal", "ops",
                    "gateway.auth.tokens.2.token", ADMIN,
                    "gateway.auth.tokens.2.role", "admin",
                    "gateway.auth.client-token", LEGACY)));
    channel = cleanup.register(GrpcTransports.channel(gw.grpcTarget(), 1 << 20));
  }

  private FeatureStoreServiceGrpc.FeatureStoreServiceBlockingStub features(String token) {
    return FeatureStoreServiceGrpc.newBlockingStub(channel)
        .withInterceptors(Bearer.interceptor(token))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static Status.Code code(Runnable call) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
    return e == null ? Status.Code.OK : e.getStatus().getCode();
  }

  private int httpWrite(String token) throws Exception {
    return gw.send(
            HttpRequest.newBuilder(gw.uri("/v1/features/users:write"))
                .header("content-type", "application/json")
                .header("authorization", "Bearer " + token)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"rows\": [{\"entity\": \"u1\", \"values\": {\"age\": 3}}]}")))
        .statusCode();
  }

  private static CreateFeatureViewRequest view() {
    return CreateFeatureViewRequest.newBuilder()
        .setFeatureView(
            FeatureView.newBuilder()
                .setName("users")
                .setEntity("id")
                .addFeatures(
                    Feature.newBuilder().setName("age").setType(ValueType.VALUE_TYPE_INT64)))
        .setReplace(true)
        .build();
  }

  @Test
  void predictRole_readsFeatures_butMayNotWriteOrAdministerViews() throws Exception {
    GetOnlineFeaturesRequest read =
        GetOnlineFeaturesRequest.newBuilder().setFeatureView("users").addEntityKeys("u1").build();

    assertThat(code(() -> features(PREDICT).getOnlineFeatures(read))).isEqualTo(Status.Code.OK);
    assertThat(httpWrite(PREDICT)).isEqualTo(403);
    assertThat(code(() -> features(PREDICT).createFeatureView(view())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(
            code(
                () ->
                    features(PREDICT)
                        .deleteFeatureView(
                            DeleteFeatureViewRequest.newBuilder().setName("users").build())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(gw.serving.features.written).isEmpty();
  }

  @Test
  void writeFeaturesRole_andTheOlderClientToken_writeButMayNotAdministerViews() throws Exception {
    assertThat(httpWrite(WRITER)).isEqualTo(200);
    assertThat(httpWrite(LEGACY)).isEqualTo(200);
    assertThat(code(() -> features(WRITER).createFeatureView(view())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(
            code(
                () ->
                    features(LEGACY)
                        .deleteFeatureView(
                            DeleteFeatureViewRequest.newBuilder().setName("users").build())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void adminRole_administersViews_andNoTokenIsUnauthenticated() throws Exception {
    assertThat(code(() -> features(ADMIN).createFeatureView(view())))
        .isNotIn(Status.Code.PERMISSION_DENIED, Status.Code.UNAUTHENTICATED);
    assertThat(httpWrite(ADMIN)).isEqualTo(200);
    assertThat(
            code(
                () ->
                    FeatureStoreServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .createFeatureView(view())))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(httpWrite("not-a-token-0123456789")).isEqualTo(401);
  }

  /** One registry write over HTTP with {@code token} (none when null); its status. */
  private int registryWrite(String write, String token) throws Exception {
    HttpRequest.Builder request =
        switch (write) {
          case "set-alias" ->
              HttpRequest.newBuilder(gw.uri("/v1/models/iris/aliases/production"))
                  .header("content-type", "application/json")
                  .PUT(HttpRequest.BodyPublishers.ofString("{\"version\": 2}"));
          case "delete-alias" ->
              HttpRequest.newBuilder(gw.uri("/v1/models/iris/aliases/canary")).DELETE();
          case "traffic" ->
              HttpRequest.newBuilder(gw.uri("/v1/models/iris/traffic"))
                  .header("content-type", "application/json")
                  .PUT(HttpRequest.BodyPublishers.ofString("{\"splits\": []}"));
          case "upload" ->
              HttpRequest.newBuilder(gw.uri("/v1/models/iris/versions"))
                  .header("content-type", "application/octet-stream")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3}));
          default -> throw new IllegalArgumentException(write);
        };
    if (token != null) {
      request.header("authorization", "Bearer " + token);
    }
    return gw.send(request).statusCode();
  }

  private static final List<String> REGISTRY_WRITES =
      List.of("set-alias", "delete-alias", "traffic", "upload");

  @Test
  void registryWrites_needAdmin_otherRoles403_noToken401_andNothingReachesTheRegistry()
      throws Exception {
    for (String write : REGISTRY_WRITES) {
      assertThat(registryWrite(write, null)).as(write).isEqualTo(401);
      assertThat(registryWrite(write, PREDICT)).as(write).isEqualTo(403);
      assertThat(registryWrite(write, WRITER)).as(write).isEqualTo(403);
      assertThat(registryWrite(write, LEGACY)).as(write).isEqualTo(403);
    }
    assertThat(gw.registry.writes).isEmpty();
    assertThat(gw.registry.uploads).isEmpty();
  }

  @Test
  void registryWrites_adminPasses_andItsTokenIsRelayedToTheRegistry() throws Exception {
    for (String write : REGISTRY_WRITES) {
      assertThat(registryWrite(write, ADMIN)).as(write).isEqualTo(200);
    }
    assertThat(gw.registry.writes).hasSize(3);
    assertThat(gw.registry.uploads).hasSize(1);
    assertThat(gw.registry.authorizations)
        .contains(
            "SetAlias Bearer " + ADMIN,
            "DeleteAlias Bearer " + ADMIN,
            "SetTrafficPolicy Bearer " + ADMIN,
            "UploadVersion Bearer " + ADMIN);
  }

  @Test
  void consoleReads_needPredict_andTheConsolePageIsOpen() throws Exception {
    for (String path :
        List.of(
            "/v1/models/iris/status",
            "/v1/models/iris/audit",
            "/v1/console/traffic",
            "/v1/console/traffic/iris",
            "/v1/features")) {
      assertThat(gw.get(path).statusCode()).as(path).isEqualTo(401);
      assertThat(
              gw.send(
                      HttpRequest.newBuilder(gw.uri(path))
                          .header("authorization", "Bearer " + PREDICT))
                  .statusCode())
          .as(path)
          .isEqualTo(200);
    }
    assertThat(gw.get("/ui/").statusCode()).isEqualTo(200);
    assertThat(gw.get("/ui/app.js").statusCode()).isEqualTo(200);
    assertThat(gw.get("/ui").statusCode()).isEqualTo(308);
  }
}
