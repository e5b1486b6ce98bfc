package io.canopy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.canopy.cli.up.Suite;
import io.canopy.common.testing.Bearer;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole suite with tokens on every hop (issue 13, item 7): serving's own port refuses calls
 * without a token, the gateway reaches serving with gateway.upstream.token, and a client with a
 * predict token predicts through the gateway.
 */
@ProcessSuite
class ServingAuthEndToEndTest {

  private static final String CLIENT = "client-predict-0123456789";
  private static final String GATEWAY = "gateway-to-serving-0123456789";

  @TempDir Path dir;

  @Test
  void tokensOnEveryHop_gatewayReachesServing_directCallsWithoutATokenRefused() throws Exception {
    try (Suite suite =
        TestSuites.start(
            dir,
            Map.of(
                "serving.auth.admin-token", GATEWAY,
                "gateway.upstream.token", GATEWAY,
                "gateway.auth.tokens.0.principal", "scorer",
                "gateway.auth.tokens.0.token", CLIENT))) {
      ManagedChannel registry = TestSuites.channel(suite.registry().grpcPort());
      ManagedChannel gateway = TestSuites.channel(suite.gateway().grpcPort());
      ManagedChannel serving = TestSuites.channel(suite.serving().grpcPort());
      try {
        io.grpc.Channel withToken =
            io.grpc.ClientInterceptors.intercept(gateway, Bearer.interceptor(CLIENT));
        var client = InferenceServiceGrpc.newBlockingStub(withToken);
        TestSuites.publishBreastCancer(registry, withToken, "bc");
        PredictRequest request =
            PredictRequest.newBuilder()
                .setModel("bc")
                .setDense(
                    DenseRows.newBuilder()
                        .setNumFeatures(30)
                        .addAllValues(Collections.nCopies(30, 1f)))
                .build();

        assertThat(client.withDeadlineAfter(30, TimeUnit.SECONDS).predict(request).getValuesCount())
            .isEqualTo(1);
        StatusRuntimeException direct =
            catchThrowableOfType(
                StatusRuntimeException.class,
                () ->
                    InferenceServiceGrpc.newBlockingStub(serving)
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .predict(request));
        assertThat(direct.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        StatusRuntimeException noClientToken =
            catchThrowableOfType(
                StatusRuntimeException.class,
                () ->
                    InferenceServiceGrpc.newBlockingStub(gateway)
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .predict(request));
        assertThat(noClientToken.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      } finally {
        registry.shutdownNow();
        gateway.shutdownNow();
        serving.shutdownNow();
      }
    }
  }
}
