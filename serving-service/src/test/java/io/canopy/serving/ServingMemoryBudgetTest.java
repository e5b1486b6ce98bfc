package io.canopy.serving;

import static io.canopy.serving.Fixtures.BREAST_CANCER_JSON;
import static io.canopy.serving.Fixtures.BREAST_CANCER_UBJ;
import static io.canopy.serving.ServingHarness.breastCancerRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.canopy.proto.inference.v1.LoadState;
import io.canopy.proto.inference.v1.ModelVersionStatus;
import io.canopy.proto.inference.v1.PredictResponse;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc;
import io.canopy.proto.kserve.v2.ModelMetadataRequest;
import io.canopy.serving.ServingHarness.Serving;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over gRPC, a replica whose memory budget holds one of two models: Predict and KServe calls for
 * the one not in memory wait for it to load (evicting the other) and are answered; GetModelStatus
 * says which is resident and what it is charged.
 */
class ServingMemoryBudgetTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path cacheDir;

  private static ModelVersionStatus status(Serving serving, String model) {
    return serving
        .inference()
        .getModelStatus(GetModelStatusRequest.newBuilder().setModel(model).build())
        .getVersions(0);
  }

  @Test
  void requestsForAVersionNotInMemory_waitForItsLoad_andAreAnswered() {
    ServingHarness harness = new ServingHarness(cleanup, cacheDir).startRegistry();
    harness.registry.addBreastCancer("a", 1, BREAST_CANCER_UBJ);
    harness.registry.addBreastCancer("b", 1, BREAST_CANCER_JSON);
    // One breast-cancer version is charged about 120 KiB (native measure or artifact size, plus
    // the flat forest): room for one.
    Serving serving =
        harness.startServing(Map.of("serving.models.memory-budget", "200KiB")).awaitReady();
    String resident = status(serving, "a").getState() == LoadState.LOAD_STATE_AVAILABLE ? "a" : "b";
    String resting = resident.equals("a") ? "b" : "a";
    assertThat(status(serving, resting).getState()).isEqualTo(LoadState.LOAD_STATE_NOT_RESIDENT);
    assertThat(status(serving, resident).getChargedBytes()).isPositive();

    PredictResponse response =
        serving
            .inference()
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .predict(breastCancerRequest(resting).build());

    ServingServiceTest.assertMatchesFixture(response.getValuesList());
    assertThat(status(serving, resting).getState()).isEqualTo(LoadState.LOAD_STATE_AVAILABLE);
    assertThat(status(serving, resident).getState()).isEqualTo(LoadState.LOAD_STATE_NOT_RESIDENT);
    assertThat(status(serving, resident).getChargedBytes()).isZero();

    var kserve =
        GRPCInferenceServiceGrpc.newBlockingStub(serving.channel())
            .withDeadlineAfter(30, TimeUnit.SECONDS);
    var metadata =
        kserve.modelMetadata(ModelMetadataRequest.newBuilder().setName(resident).build());
    assertThat(metadata.getInputs(0).getShapeList()).containsExactly(-1L, 30L);
    assertThat(status(serving, resident).getState()).isEqualTo(LoadState.LOAD_STATE_AVAILABLE);
  }
}
