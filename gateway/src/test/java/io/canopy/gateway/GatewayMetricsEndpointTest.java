package io.canopy.gateway;

import io.canopy.common.testing.Await;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.gateway.metrics.HelidonGatewayMetrics;
import io.helidon.metrics.api.Metrics;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The replica and channel-state meters reach {@code /observe/metrics} (Prometheus text). */
class GatewayMetricsEndpointTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  @Test
  void observeMetrics_showsReplicaOutcomes_andTheChannelState() throws Exception {
    RunningGateway gw =
        cleanup.register(
            new RunningGateway(Map.of(), new HelidonGatewayMetrics(Metrics.globalRegistry())));
    String replica = "replica=\"" + gw.serving.target() + "\"";
    Await.until(
        "replica calls and READY on /observe/metrics",
        Duration.ofSeconds(20),
        () -> {
          try {
            gw.post("/v1/models/m/versions/1:predict", "{\"instances\": [[1]]}");
            String text = gw.get("/observe/metrics").body();
            return text.lines()
                    .anyMatch(
                        l ->
                            l.startsWith("canopy_gateway_upstream_replica_calls")
                                && l.contains(replica)
                                && l.contains("code=\"OK\""))
                && text.lines()
                    .anyMatch(
                        l ->
                            l.startsWith("canopy_gateway_upstream_channel_state")
                                && l.contains("state=\"READY\"")
                                && l.trim().endsWith(" 1.0"));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }
}
