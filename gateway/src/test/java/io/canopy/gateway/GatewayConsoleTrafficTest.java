package io.canopy.gateway;

import static io.canopy.gateway.RunningGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.canopy.common.testing.Await;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.MutableClock;
import io.canopy.gateway.metrics.GatewayMetrics;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The console's traffic endpoints over the gateway's own history, on a clock moved by hand. */
class GatewayConsoleTrafficTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  private final MutableClock clock = new MutableClock(START);
  private RunningGateway gw;

  @BeforeEach
  void start() throws Exception {
    gw = cleanup.register(new RunningGateway(Map.of(), GatewayMetrics.NOOP, clock));
    gw.registry.publish(FakeRegistry.IRIS);
    // Until the watch has shown iris, its requests get no series (names must exist).
    Await.until(
        "iris in the traffic overview",
        Duration.ofSeconds(20),
        () -> {
          try {
            predict(1);
            clock.advance(Duration.ofSeconds(5));
            return json(gw.get("/v1/console/traffic")).get("models").size() == 1;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    clock.advance(Duration.ofMinutes(11)); // everything so far leaves the window
    gw.serving.onPredict =
        r -> {
          if (r.getVersion() == 2) {
            throw Status.INTERNAL.withDescription("broken").asRuntimeException();
          }
          return FakeServing.oneValuePerRow(r);
        };
  }

  private int predict(long version) throws Exception {
    return gw.post("/v1/models/iris/versions/" + version + ":predict", "{\"instances\": [[1, 2]]}")
        .statusCode();
  }

  @Test
  void overview_lastMinutePerModel_withRatesAndErrorRate() throws Exception {
    assertThat(predict(1)).isEqualTo(200);
    assertThat(predict(1)).isEqualTo(200);
    assertThat(predict(1)).isEqualTo(200);
    assertThat(predict(2)).isEqualTo(500);
    clock.advance(Duration.ofSeconds(5));

    JsonNode overview = json(gw.get("/v1/console/traffic"));

    assertThat(overview.get("window_seconds").asInt()).isEqualTo(60);
    JsonNode iris = overview.get("models").get(0);
    assertThat(iris.get("model").asText()).isEqualTo("iris");
    assertThat(iris.get("requests").asLong()).isEqualTo(4);
    assertThat(iris.get("errors").asLong()).isEqualTo(1);
    assertThat(iris.get("rps").asDouble()).isEqualTo(0.067);
    assertThat(iris.get("error_rate").asDouble()).isEqualTo(0.25);
  }

  @Test
  void modelSeries_perVersionAndStep_oldestFirst_withLatencyAndBatchRows() throws Exception {
    assertThat(predict(1)).isEqualTo(200);
    assertThat(predict(2)).isEqualTo(500);
    clock.advance(Duration.ofSeconds(5));
    assertThat(predict(1)).isEqualTo(200);
    assertThat(predict(1)).isEqualTo(200);
    clock.advance(Duration.ofSeconds(5));

    JsonNode h = json(gw.get("/v1/console/traffic/iris?seconds=15"));

    assertThat(h.get("model").asText()).isEqualTo("iris");
    assertThat(h.get("step_seconds").asInt()).isEqualTo(5);
    // The clock moves in whole steps, so the last complete step ends now.
    assertThat(Instant.parse(h.get("end").asText())).isEqualTo(clock.instant());
    JsonNode series = h.get("series");
    assertThat(series.findValuesAsText("version")).containsExactly("1", "2");
    JsonNode v1 = series.get(0);
    assertThat(v1.get("requests").toString()).isEqualTo("[0,1,2]");
    assertThat(v1.get("errors").toString()).isEqualTo("[0,0,0]");
    assertThat(v1.get("p50_ms").get(0).isNull()).isTrue();
    assertThat(v1.get("p50_ms").get(2).isNumber()).isTrue();
    assertThat(v1.get("p99_ms").size()).isEqualTo(3);
    assertThat(v1.get("shadow_compared").toString()).isEqualTo("[0,0,0]");
    JsonNode v2 = series.get(1);
    assertThat(v2.get("requests").toString()).isEqualTo("[0,1,0]");
    assertThat(v2.get("errors").toString()).isEqualTo("[0,1,0]");
    assertThat(h.get("batch_rows").size()).isEqualTo(3);
    assertThat(h.get("batch_rows").get(0).isNull()).isTrue();
    assertThat(h.get("batch_rows").get(2).asDouble()).isEqualTo(1.0);

    assertThat(json(gw.get("/v1/console/traffic/iris")).get("batch_rows").size()).isEqualTo(60);
    assertThat(json(gw.get("/v1/console/traffic/other")).get("series").size()).isZero();
  }

  @Test
  void modelSeries_secondsOutOfRange_is400NamingIt() throws Exception {
    for (String bad : new String[] {"5", "601", "lots"}) {
      var r = gw.get("/v1/console/traffic/iris?seconds=" + bad);
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(json(r).get("error").asText()).as(bad).startsWith("seconds:");
    }
  }
}
