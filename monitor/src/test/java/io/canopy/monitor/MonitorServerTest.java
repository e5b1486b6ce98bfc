package io.canopy.monitor;

import static io.canopy.monitor.store.Records.prediction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.Bearer;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.TestConfig;
import io.canopy.monitor.store.MonitorStore;
import io.canopy.monitor.store.StoreSettings;
import io.canopy.proto.monitor.v1.CompareVersionsRequest;
import io.canopy.proto.monitor.v1.GetQualityRequest;
import io.canopy.proto.monitor.v1.MonitorServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The monitor's gRPC API: its token role, and the status of each kind of bad request. */
class MonitorServerTest {

  private static final String TOKEN = "monitor-test-token-0123456789";

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path dir;

  @Test
  void reads_needAToken_andBadRequestsGetTheirStatus() {
    Path db = dir.resolve("records.db");
    try (MonitorStore store = MonitorStore.open(StoreSettings.sqlite(db))) {
      store.addPredictions(
          List.of(prediction("m", 1, "a", System.currentTimeMillis(), "binary:logistic", 0.5f)));
    }
    MonitorServer server =
        MonitorServer.start(
            MonitorConfig.create(
                TestConfig.from(
                    Map.of(
                        "monitor.grpc.port",
                        "0",
                        "monitor.admin.port",
                        "0",
                        "monitor.store.sqlite",
                        db.toString(),
                        "monitor.auth.admin-token",
                        TOKEN),
                    "monitor.yaml")));
    cleanup.register(server);
    var anonymous =
        MonitorServiceGrpc.newBlockingStub(
            cleanup.register(GrpcTransports.channel("127.0.0.1:" + server.grpcPort(), 1 << 20)));
    var stub =
        anonymous.withInterceptors(
            MetadataUtils.newAttachHeadersInterceptor(Bearer.headers(TOKEN)));

    assertThat(code(() -> anonymous.getQuality(quality("m", ""))))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(stub.getQuality(quality("m", "")).getReports(0).getPredictions()).isEqualTo(1);
    assertThat(code(() -> stub.getQuality(quality("nope", "")))).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(code(() -> stub.getQuality(quality("m", "2h"))))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(code(() -> stub.getQuality(quality("", ""))))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(
            code(
                () ->
                    stub.compareVersions(
                        CompareVersionsRequest.newBuilder().setModel("m").build())))
        .isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(
            code(
                () ->
                    stub.compareVersions(
                        CompareVersionsRequest.newBuilder()
                            .setModel("m")
                            .setChampion(1)
                            .setChallenger(1)
                            .build())))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  private static GetQualityRequest quality(String model, String window) {
    return GetQualityRequest.newBuilder().setModel(model).setWindow(window).build();
  }

  private static Status.Code code(Runnable call) {
    return catchThrowableOfType(StatusRuntimeException.class, call::run).getStatus().getCode();
  }
}
