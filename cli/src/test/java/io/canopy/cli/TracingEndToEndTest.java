package io.canopy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.cli.up.Suite;
import io.canopy.common.testing.Await;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.common.tracing.TraceAttributes;
import io.canopy.proto.inference.v1.EntityRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.SetAliasRequest;
import io.canopy.proto.registry.v1.VersionState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One trace across the suite: the whole suite in this JVM with tracing on in every service, spans
 * in OpenTelemetry's in-memory exporter. One predict by entity through the gateway, over gRPC and
 * over HTTP, each with a caller's {@code traceparent}, is one trace under the caller's span: the
 * gateway's server span, its routing, the batch, the upstream call and its attempt, serving's
 * server span, the feature lookup and the computation; a registry read through the gateway reaches
 * the registry's server span in the caller's trace too.
 */
@ProcessSuite
class TracingEndToEndTest {

  private static final String MODEL = "traced";
  private static final String VIEW = "traced_rows";
  private static final int FEATURES = 30;
  private static final String PREDICT = "canopy.inference.v1.InferenceService/Predict";
  private static final AttributeKey<String> SERVICE = AttributeKey.stringKey("service.name");

  @TempDir static Path dataDir;
  private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static Suite suite;
  private static ManagedChannel gateway;
  private static long version;

  @BeforeAll
  static void startSuiteAndPublishAModelWithFeatures() throws Exception {
    suite =
        TestSuites.start(
            dataDir,
            Map.of(
                "registry.tracing.enabled", "true",
                "serving.tracing.enabled", "true",
                "gateway.tracing.enabled", "true"),
            SimpleSpanProcessor.create(SPANS));
    gateway = TestSuites.channel(suite.gateway().grpcPort());
    ManagedChannel registry = TestSuites.channel(suite.registry().grpcPort());
    try {
      ModelVersion v =
          TestSuites.uploadBreastCancer(registry, TestSuites.breastCancerBoundTo(MODEL, VIEW));
      assertThat(v.getState()).isEqualTo(VersionState.VERSION_STATE_READY);
      version = v.getVersion();
      ModelRegistryServiceGrpc.newBlockingStub(registry)
          .setAlias(
              SetAliasRequest.newBuilder()
                  .setModel(MODEL)
                  .setAlias("production")
                  .setVersion(version)
                  .build());
      FeatureRows.write(
          gateway,
          VIEW,
          TestSuites.BREAST_CANCER_FEATURES,
          Fixtures.matrix("breast_cancer_rows.csv", FEATURES));
      TestSuites.awaitAvailable(gateway, MODEL, version, Duration.ofSeconds(60));
    } finally {
      registry.shutdownNow();
    }
  }

  @AfterAll
  static void stopSuite() {
    if (gateway != null) {
      gateway.shutdownNow();
    }
    if (suite != null) {
      suite.close();
    }
  }

  @BeforeEach
  void forgetEarlierSpans() {
    SPANS.reset();
  }

  private static String traceparent(String traceId, String parentId) {
    return "00-" + traceId + "-" + parentId + "-01";
  }

  /** The trace's spans, once it has at least {@code count} (the server spans end after replies). */
  private static List<SpanData> trace(String traceId, int count) {
    Await.until(
        count + " spans in trace " + traceId,
        Duration.ofSeconds(20),
        () -> inTrace(traceId).size() >= count);
    return inTrace(traceId);
  }

  private static List<SpanData> inTrace(String traceId) {
    return SPANS.getFinishedSpanItems().stream()
        .filter(s -> s.getTraceId().equals(traceId))
        .toList();
  }

  private static SpanData one(List<SpanData> spans, String service, String name, SpanKind kind) {
    List<SpanData> found =
        spans.stream()
            .filter(s -> service.equals(s.getResource().getAttribute(SERVICE)))
            .filter(s -> s.getName().equals(name) && s.getKind() == kind)
            .toList();
    assertThat(found).as("%s %s span %s in %s", service, kind, name, spans).hasSize(1);
    return found.get(0);
  }

  private static void assertChild(SpanData child, SpanData parent) {
    assertThat(child.getParentSpanId())
        .as("%s is a child of %s", child.getName(), parent.getName())
        .isEqualTo(parent.getSpanId());
  }

  /**
   * Everything below the gateway's server span {@code front}: routing, the batch and the upstream
   * call, the attempt, serving's server span, the lookup and the computation.
   */
  private static void assertPredictBelow(SpanData front, List<SpanData> trace) {
    assertThat(front.getAttributes().get(TraceAttributes.MODEL)).isEqualTo(MODEL);
    assertThat(front.getAttributes().get(TraceAttributes.VERSION)).isEqualTo(version);

    SpanData route = one(trace, "canopy-gateway", "canopy.route", SpanKind.INTERNAL);
    assertChild(route, front);
    assertThat(route.getAttributes().get(TraceAttributes.ROUTE)).isEqualTo("production");
    assertThat(route.getAttributes().get(TraceAttributes.VERSION)).isEqualTo(version);

    SpanData batch = one(trace, "canopy-gateway", "canopy.batch", SpanKind.INTERNAL);
    assertChild(batch, front);
    assertThat(batch.getLinks())
        .extracting(LinkData::getSpanContext)
        .containsExactly(front.getSpanContext());
    assertThat(batch.getAttributes().get(TraceAttributes.BATCH_ROWS)).isEqualTo(1L);

    SpanData upstream = one(trace, "canopy-gateway", "canopy.upstream", SpanKind.INTERNAL);
    assertChild(upstream, batch);
    SpanData attempt = one(trace, "canopy-gateway", PREDICT, SpanKind.CLIENT);
    assertChild(attempt, upstream);
    assertThat(attempt.getAttributes().get(TraceAttributes.ATTEMPT)).isEqualTo(1L);

    SpanData serving = one(trace, "canopy-serving", PREDICT, SpanKind.SERVER);
    assertChild(serving, attempt);
    assertThat(serving.getParentSpanContext().isRemote()).isTrue();
    assertThat(serving.getAttributes().get(TraceAttributes.MODEL)).isEqualTo(MODEL);
    assertThat(serving.getAttributes().get(TraceAttributes.ENGINE)).isEqualTo("flat");
    assertThat(serving.getAttributes().get(TraceAttributes.RPC_GRPC_STATUS_CODE)).isEqualTo(0L);

    SpanData lookup = one(trace, "canopy-serving", "canopy.features.lookup", SpanKind.INTERNAL);
    assertChild(lookup, serving);
    assertThat(lookup.getAttributes().get(TraceAttributes.FEATURE_VIEW)).isEqualTo(VIEW);
    assertThat(lookup.getAttributes().get(TraceAttributes.ENTITY_KEYS)).isEqualTo(1L);
    assertThat(lookup.getAttributes().get(TraceAttributes.FEATURE_BACKEND)).isEqualTo("rocksdb");

    SpanData compute = one(trace, "canopy-serving", "canopy.predict.compute", SpanKind.INTERNAL);
    assertChild(compute, serving);
    assertThat(compute.getAttributes().get(TraceAttributes.VERSION)).isEqualTo(version);
    assertThat(compute.getAttributes().get(TraceAttributes.ENGINE)).isEqualTo("flat");
    assertThat(compute.getAttributes().get(TraceAttributes.BATCH_ROWS)).isEqualTo(1L);
    // The lookup comes before the computation, and both inside serving's call.
    assertThat(lookup.getEndEpochNanos()).isLessThanOrEqualTo(compute.getStartEpochNanos());
    assertThat(compute.getEndEpochNanos()).isLessThanOrEqualTo(serving.getEndEpochNanos());

    for (SpanData s : trace) {
      assertThat(s.getStatus().getStatusCode()).as(s.getName()).isEqualTo(StatusCode.UNSET);
    }
  }

  @Test
  void grpcPredictByEntity_isOneTraceUnderTheCallersSpan() {
    String traceId = "0af7651916cd43dd8448eb211c80319c";
    String parentId = "b7ad6b7169203331";
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
        traceparent(traceId, parentId));
    PredictResponse response =
        InferenceServiceGrpc.newBlockingStub(gateway)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .predict(
                PredictRequest.newBuilder()
                    .setModel(MODEL)
                    .setEntities(EntityRows.newBuilder().addKeys("row-0"))
                    .build());
    assertThat(response.getVersion()).isEqualTo(version);

    List<SpanData> trace = trace(traceId, 8);
    SpanData front = one(trace, "canopy-gateway", PREDICT, SpanKind.SERVER);
    assertThat(front.getParentSpanId()).isEqualTo(parentId);
    assertThat(front.getAttributes().get(TraceAttributes.RPC_SYSTEM)).isEqualTo("grpc");
    assertPredictBelow(front, trace);
    assertThat(trace).hasSize(8);
  }

  @Test
  void httpPredictByEntity_isOneTraceUnderTheCallersSpan() throws Exception {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String parentId = "00f067aa0ba902b7";
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + suite.gateway().httpPort()
                            + "/v1/models/"
                            + MODEL
                            + ":predict"))
                .header("content-type", "application/json")
                .header("traceparent", traceparent(traceId, parentId))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"instances\": [{\"entity\": \"row-1\"}]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

    List<SpanData> trace = trace(traceId, 8);
    SpanData front = one(trace, "canopy-gateway", "POST /v1/models/{m}:predict", SpanKind.SERVER);
    assertThat(front.getParentSpanId()).isEqualTo(parentId);
    assertThat(front.getAttributes().get(TraceAttributes.HTTP_ROUTE))
        .isEqualTo("/v1/models/{m}:predict");
    assertThat(front.getAttributes().get(TraceAttributes.HTTP_STATUS)).isEqualTo(200L);
    assertPredictBelow(front, trace);
    assertThat(trace).hasSize(8);
  }

  @Test
  void httpPredictOfAnUnknownModel_endsTheSpanErrorWithTheStatusSent() throws Exception {
    String traceId = "6df92f3577b34da6a3ce929d0e0e4738";
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + suite.gateway().httpPort()
                            + "/v1/models/no-such-model:predict"))
                .header("content-type", "application/json")
                .header("traceparent", traceparent(traceId, "00f067aa0ba902b9"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [[1, 2]]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(404);

    // The gateway's server span ends once the reply is sent, after the spans below it: wait for it.
    String name = "POST /v1/models/{m}:predict";
    Await.until(
        "the gateway's server span in trace " + traceId,
        Duration.ofSeconds(20),
        () -> inTrace(traceId).stream().anyMatch(s -> s.getName().equals(name)));
    SpanData front = one(inTrace(traceId), "canopy-gateway", name, SpanKind.SERVER);
    assertThat(front.getAttributes().get(TraceAttributes.HTTP_STATUS)).isEqualTo(404L);
    assertThat(front.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  @Test
  void registryReadThroughTheGateway_reachesTheRegistryInTheCallersTrace() throws Exception {
    String traceId = "5cf92f3577b34da6a3ce929d0e0e4737";
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + suite.gateway().httpPort() + "/v1/models/" + MODEL))
                .header("traceparent", traceparent(traceId, "00f067aa0ba902b8"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

    List<SpanData> trace = trace(traceId, 3);
    SpanData front = one(trace, "canopy-gateway", "GET /v1/models/{m}", SpanKind.SERVER);
    String getModel = "canopy.registry.v1.ModelRegistryService/GetModel";
    SpanData read = one(trace, "canopy-gateway", getModel, SpanKind.CLIENT);
    assertChild(read, front);
    assertChild(one(trace, "canopy-registry", getModel, SpanKind.SERVER), read);
  }
}
