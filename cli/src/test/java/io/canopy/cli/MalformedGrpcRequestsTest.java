package io.canopy.cli;

import static io.grpc.Status.Code.FAILED_PRECONDITION;
import static io.grpc.Status.Code.INVALID_ARGUMENT;
import static io.grpc.Status.Code.NOT_FOUND;
import static io.grpc.Status.Code.OK;
import static io.grpc.Status.Code.RESOURCE_EXHAUSTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.canopy.cli.up.Suite;
import io.canopy.common.digest.Sha256;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.Observers;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.common.testing.RawBytes;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.EntityRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.NamedRow;
import io.canopy.proto.inference.v1.NamedRows;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc;
import io.canopy.proto.kserve.v2.InferTensorContents;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import io.canopy.proto.kserve.v2.ModelInferRequest.InferInputTensor;
import io.canopy.proto.kserve.v2.ModelMetadataRequest;
import io.canopy.proto.kserve.v2.ModelReadyRequest;
import io.canopy.proto.registry.v1.ArchiveVersionRequest;
import io.canopy.proto.registry.v1.CreateModelRequest;
import io.canopy.proto.registry.v1.DeleteAliasRequest;
import io.canopy.proto.registry.v1.DownloadVersionRequest;
import io.canopy.proto.registry.v1.GetModelRequest;
import io.canopy.proto.registry.v1.GetVersionRequest;
import io.canopy.proto.registry.v1.ListModelsRequest;
import io.canopy.proto.registry.v1.ListVersionsRequest;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.SetAliasRequest;
import io.canopy.proto.registry.v1.SetTrafficPolicyRequest;
import io.canopy.proto.registry.v1.TrafficPolicy;
import io.canopy.proto.registry.v1.TrafficSplit;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.canopy.proto.registry.v1.UploadVersionRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed and hostile requests on every gRPC front (gateway InferenceService and KServe, the same
 * on serving directly, the registry), table-driven against the whole suite on loopback: each must
 * get its documented code (INVALID_ARGUMENT naming the field, NOT_FOUND, RESOURCE_EXHAUSTED,
 * FAILED_PRECONDITION), never INTERNAL or UNKNOWN, never internals in the description; a good
 * request succeeds after each batch.
 */
@ProcessSuite
class MalformedGrpcRequestsTest {

  private static final String MODEL = "bc";
  private static final int FEATURES = 30;

  /** The registry's rule for label keys. */
  private static final java.util.regex.Pattern LABEL_KEY =
      java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_./-]{0,62}");

  /** Just over every server's inbound message limit. */
  private static final String OVERSIZED =
      "x".repeat(GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES + 1024);

  @TempDir static Path dir;
  private static Suite suite;
  private static ManagedChannel registryChannel;
  private static ManagedChannel gatewayChannel;
  private static ManagedChannel servingChannel;

  private final MalformedCases cases = new MalformedCases();

  @BeforeAll
  static void start() throws Exception {
    suite = TestSuites.start(dir);
    registryChannel = TestSuites.channel(suite.registry().grpcPort());
    gatewayChannel = TestSuites.channel(suite.gateway().grpcPort());
    servingChannel = TestSuites.channel(suite.serving().grpcPort());
    TestSuites.publishBreastCancer(registryChannel, gatewayChannel, MODEL);
  }

  @AfterAll
  static void stop() {
    if (registryChannel != null) {
      registryChannel.shutdownNow();
      gatewayChannel.shutdownNow();
      servingChannel.shutdownNow();
    }
    if (suite != null) {
      suite.close();
    }
  }

  @Test
  void malformedGrpcRequests_getTheDocumentedCode_neverInternal() {
    predictCases("gateway Predict", gatewayChannel, true);
    predictCases("serving Predict", servingChannel, false);
    kserveCases("gateway KServe", gatewayChannel, true);
    kserveCases("serving KServe", servingChannel, false);
    registryCases();
    garbageBytesCases();

    System.out.printf(
        "malformed gRPC requests: %d tried, %d answered other than documented, %d INTERNAL/UNKNOWN%n%s",
        cases.tried(), cases.wrong().size(), cases.serverErrors(), cases.summary());
    assertThat(cases.wrong()).isEmpty();
    assertThat(cases.serverErrors()).isZero();
    // Nothing hostile was created: only the model the test started with and the one created
    // with a valid label key.
    assertThat(registry().listModels(ListModelsRequest.getDefaultInstance()).getModelsList())
        .extracting(m -> m.getName())
        .allMatch(n -> n.equals(MODEL) || n.startsWith("labelled-"));
  }

  private void predictCases(String front, ManagedChannel channel, boolean gateway) {
    var stub = InferenceServiceGrpc.newBlockingStub(channel);
    PredictRequest good =
        PredictRequest.newBuilder().setModel(MODEL).setDense(dense(FEATURES, 1)).build();
    PredictCase c =
        (name, codes, field, edit) ->
            cases.grpc(
                front,
                name,
                codes,
                field,
                () ->
                    stub.withDeadlineAfter(60, TimeUnit.SECONDS)
                        .predict(edit.apply(good.toBuilder()).build()));

    c.run("valid", Set.of(OK), null, b -> b);
    c.run("no model", Set.of(INVALID_ARGUMENT), "model", b -> b.setModel(""));
    c.run("unknown model", Set.of(NOT_FOUND), null, b -> b.setModel("no-such-model"));
    for (String name : MalformedCases.HOSTILE_NAMES) {
      String label = label(name);
      c.run("model " + label, Set.of(INVALID_ARGUMENT, NOT_FOUND), null, b -> b.setModel(name));
      c.run("alias " + label, Set.of(INVALID_ARGUMENT, NOT_FOUND), null, b -> b.setAlias(name));
      c.run("routing key " + label, Set.of(OK, INVALID_ARGUMENT), null, b -> b.setRoutingKey(name));
      c.run("request id " + label, Set.of(OK, INVALID_ARGUMENT), null, b -> b.setRequestId(name));
    }
    c.run("version -1", Set.of(INVALID_ARGUMENT), "version", b -> b.setVersion(-1));
    c.run("version 0", Set.of(INVALID_ARGUMENT), "version", b -> b.setVersion(0));
    c.run(
        "version Long.MIN_VALUE",
        Set.of(INVALID_ARGUMENT),
        "version",
        b -> b.setVersion(Long.MIN_VALUE));
    c.run("unknown version", Set.of(NOT_FOUND), null, b -> b.setVersion(999));
    c.run("unknown alias", Set.of(NOT_FOUND), null, b -> b.setAlias("nope"));
    c.run("empty alias", Set.of(INVALID_ARGUMENT), "alias", b -> b.setAlias(""));
    c.run("no rows", Set.of(INVALID_ARGUMENT), "rows", PredictRequest.Builder::clearRows);
    c.run(
        "feature count mismatch",
        Set.of(INVALID_ARGUMENT),
        "dense.num_features",
        b -> b.setDense(dense(3, 1)));
    c.run(
        "num_features 0",
        Set.of(INVALID_ARGUMENT),
        "dense.num_features",
        b -> b.setDense(DenseRows.newBuilder().setNumFeatures(0).addValues(1f)));
    c.run(
        "num_features -30",
        Set.of(INVALID_ARGUMENT),
        "dense.num_features",
        b ->
            b.setDense(
                DenseRows.newBuilder().setNumFeatures(-30).addAllValues(boxed(new float[30]))));
    c.run(
        "ragged values",
        Set.of(INVALID_ARGUMENT),
        "dense.values",
        b -> b.setDense(dense(FEATURES, 1).addValues(1f)));
    c.run(
        "zero rows",
        Set.of(INVALID_ARGUMENT),
        "dense.values",
        b -> b.setDense(DenseRows.newBuilder().setNumFeatures(FEATURES)));
    c.run(
        "+Inf",
        Set.of(INVALID_ARGUMENT),
        "dense.values",
        b -> b.setDense(dense(FEATURES, 1).setValues(3, Float.POSITIVE_INFINITY)));
    c.run(
        "-Inf",
        Set.of(INVALID_ARGUMENT),
        "dense.values",
        b -> b.setDense(dense(FEATURES, 1).setValues(0, Float.NEGATIVE_INFINITY)));
    c.run("all NaN (missing)", Set.of(OK), null, b -> b.setDense(nanRows(2)));
    c.run(
        "named: zero rows",
        Set.of(INVALID_ARGUMENT),
        "named.rows",
        b -> b.setNamed(NamedRows.getDefaultInstance()));
    c.run(
        "named: unknown feature",
        Set.of(INVALID_ARGUMENT),
        "named.rows[0].features",
        b -> b.setNamed(named("nope", 1f)));
    c.run(
        "named: +Inf",
        Set.of(INVALID_ARGUMENT),
        "named.rows[0].features",
        b -> b.setNamed(named("f0", Float.POSITIVE_INFINITY)));
    c.run("named: NaN (missing)", Set.of(OK), null, b -> b.setNamed(named("f0", Float.NaN)));
    c.run(
        "named: empty row",
        Set.of(OK),
        null,
        b -> b.setNamed(NamedRows.newBuilder().addRows(NamedRow.getDefaultInstance())));
    c.run(
        "named: hostile feature name",
        Set.of(INVALID_ARGUMENT),
        "named.rows[0].features",
        b -> b.setNamed(named("x'; DROP TABLE models;--", 1f)));
    // Either is right: no keys, and a version without an input binding (checked first).
    c.run(
        "entities: no keys",
        Set.of(INVALID_ARGUMENT, FAILED_PRECONDITION),
        null,
        b -> b.setEntities(EntityRows.getDefaultInstance()));
    c.run(
        "entities: no input binding",
        Set.of(FAILED_PRECONDITION),
        null,
        b -> b.setEntities(EntityRows.newBuilder().addKeys("e1")));
    c.run("unknown output kind", Set.of(INVALID_ARGUMENT), "output", b -> b.setOutputValue(99));
    c.run(
        "10 001 rows",
        gateway ? Set.of(RESOURCE_EXHAUSTED) : Set.of(OK, RESOURCE_EXHAUSTED),
        null,
        b -> b.setDense(nanRows(10_001)));
    c.run(
        "10 001 named rows",
        gateway ? Set.of(RESOURCE_EXHAUSTED) : Set.of(OK, RESOURCE_EXHAUSTED),
        null,
        b ->
            b.setNamed(
                NamedRows.newBuilder()
                    .addAllRows(
                        java.util.Collections.nCopies(10_001, NamedRow.getDefaultInstance()))));
    // Over serving's own cap (serving.predict.max-rows) too: refused on every front.
    c.run("100 001 rows", Set.of(RESOURCE_EXHAUSTED), "dense", b -> b.setDense(nanRows(100_001)));
    c.run(
        "100 001 entity keys",
        Set.of(RESOURCE_EXHAUSTED),
        "entities",
        b ->
            b.setEntities(
                EntityRows.newBuilder().addAllKeys(java.util.Collections.nCopies(100_001, "e1"))));
    c.run(
        "a message over the 64 MiB limit",
        Set.of(RESOURCE_EXHAUSTED),
        null,
        b -> b.setRequestId(OVERSIZED));
    // The suite keeps serving after the batch.
    c.run("valid, after the batch", Set.of(OK), null, b -> b);
  }

  private void kserveCases(String front, ManagedChannel channel, boolean gateway) {
    var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    ModelInferRequest good = infer(1, FEATURES, 1f);
    InferCase c =
        (name, codes, field, edit) ->
            cases.grpc(
                front,
                name,
                codes,
                field,
                () ->
                    stub.withDeadlineAfter(60, TimeUnit.SECONDS)
                        .modelInfer(edit.apply(good.toBuilder()).build()));

    c.run("valid", Set.of(OK), null, b -> b);
    c.run("no model", Set.of(INVALID_ARGUMENT, NOT_FOUND), null, b -> b.setModelName(""));
    c.run("unknown model", Set.of(NOT_FOUND), null, b -> b.setModelName("no-such-model"));
    for (String name : MalformedCases.HOSTILE_NAMES) {
      String label = label(name);
      c.run("model " + label, Set.of(INVALID_ARGUMENT, NOT_FOUND), null, b -> b.setModelName(name));
      c.run(
          "version " + label,
          Set.of(INVALID_ARGUMENT, NOT_FOUND),
          null,
          b -> b.setModelVersion(name));
      c.run(
          "input name " + label,
          Set.of(OK, INVALID_ARGUMENT),
          null,
          b -> b.setInputs(0, b.getInputs(0).toBuilder().setName(name)));
      cases.grpc(
          front,
          "metadata of model " + label,
          Set.of(INVALID_ARGUMENT, NOT_FOUND),
          null,
          () -> stub.modelMetadata(ModelMetadataRequest.newBuilder().setName(name).build()));
      cases.grpc(
          front,
          "ready of model " + label,
          Set.of(OK, INVALID_ARGUMENT, NOT_FOUND),
          null,
          () -> stub.modelReady(ModelReadyRequest.newBuilder().setName(name).build()));
    }
    for (String version : List.of("0", "-1", "abc", "99999999999999999999", "999")) {
      c.run(
          "version " + version,
          Set.of(INVALID_ARGUMENT, NOT_FOUND),
          null,
          b -> b.setModelVersion(version));
      cases.grpc(
          front,
          "metadata of version " + version,
          Set.of(INVALID_ARGUMENT, NOT_FOUND),
          null,
          () ->
              stub.modelMetadata(
                  ModelMetadataRequest.newBuilder().setName(MODEL).setVersion(version).build()));
    }
    c.run("no inputs", Set.of(INVALID_ARGUMENT), null, ModelInferRequest.Builder::clearInputs);
    c.run("two inputs", Set.of(INVALID_ARGUMENT), null, b -> b.addInputs(b.getInputs(0)));
    c.run(
        "datatype BYTES",
        Set.of(INVALID_ARGUMENT),
        null,
        b -> b.setInputs(0, b.getInputs(0).toBuilder().setDatatype("BYTES")));
    c.run(
        "datatype empty",
        Set.of(INVALID_ARGUMENT),
        null,
        b -> b.setInputs(0, b.getInputs(0).toBuilder().setDatatype("")));
    c.run(
        "shape empty",
        Set.of(INVALID_ARGUMENT),
        null,
        b -> b.setInputs(0, b.getInputs(0).toBuilder().clearShape()));
    c.run(
        "shape [2, 30] for 30 values",
        Set.of(INVALID_ARGUMENT),
        null,
        b -> b.setInputs(0, b.getInputs(0).toBuilder().setShape(0, 2)));
    c.run(
        "shape [-1, 30]",
        Set.of(INVALID_ARGUMENT),
        null,
        b -> b.setInputs(0, b.getInputs(0).toBuilder().setShape(0, -1)));
    c.run(
        "shape [0, 30]",
        Set.of(INVALID_ARGUMENT),
        null,
        b ->
            b.setInputs(
                0,
                b.getInputs(0).toBuilder()
                    .setShape(0, 0)
                    .setContents(InferTensorContents.getDefaultInstance())));
    c.run(
        "shape [1, 1, 30]",
        Set.of(INVALID_ARGUMENT),
        null,
        b ->
            b.setInputs(
                0, b.getInputs(0).toBuilder().clearShape().addShape(1).addShape(1).addShape(30)));
    c.run(
        "shape overflow",
        Set.of(INVALID_ARGUMENT, RESOURCE_EXHAUSTED),
        null,
        b ->
            b.setInputs(
                0, b.getInputs(0).toBuilder().clearShape().addShape(1L << 40).addShape(1L << 40)));
    c.run(
        "feature count mismatch",
        Set.of(INVALID_ARGUMENT),
        null,
        b -> b.setInputs(0, infer(1, 3, 1f).getInputs(0)));
    c.run(
        "+Inf",
        Set.of(INVALID_ARGUMENT),
        null,
        b ->
            b.setInputs(
                0,
                b.getInputs(0).toBuilder()
                    .setContents(
                        b.getInputs(0).getContents().toBuilder()
                            .setFp32Contents(2, Float.POSITIVE_INFINITY))));
    c.run(
        "fp64 contents for FP32",
        Set.of(INVALID_ARGUMENT),
        null,
        b ->
            b.setInputs(
                0,
                b.getInputs(0).toBuilder()
                    .setContents(
                        InferTensorContents.newBuilder()
                            .addAllFp64Contents(java.util.Collections.nCopies(FEATURES, 1.0)))));
    c.run(
        "raw of the wrong length",
        Set.of(INVALID_ARGUMENT),
        null,
        b ->
            b.setInputs(0, b.getInputs(0).toBuilder().clearContents())
                .addRawInputContents(ByteString.copyFrom(new byte[7])));
    c.run(
        "raw and contents both",
        Set.of(INVALID_ARGUMENT),
        null,
        b -> b.addRawInputContents(raw(FEATURES)));
    c.run(
        "two raw buffers for one input",
        Set.of(INVALID_ARGUMENT),
        null,
        b ->
            b.setInputs(0, b.getInputs(0).toBuilder().clearContents())
                .addRawInputContents(raw(FEATURES))
                .addRawInputContents(raw(FEATURES)));
    c.run(
        "raw NaN (missing)",
        Set.of(OK),
        null,
        b ->
            b.setInputs(0, b.getInputs(0).toBuilder().clearContents())
                .addRawInputContents(raw(FEATURES)));
    c.run(
        "unknown requested output",
        Set.of(OK, INVALID_ARGUMENT),
        null,
        b ->
            b.addOutputs(
                ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("bogus")));
    c.run(
        "10 001 rows",
        gateway ? Set.of(RESOURCE_EXHAUSTED) : Set.of(OK, RESOURCE_EXHAUSTED),
        null,
        b -> b.setInputs(0, infer(10_001, FEATURES, Float.NaN).getInputs(0)));
    c.run(
        "100 001 rows",
        Set.of(RESOURCE_EXHAUSTED),
        "inputs[0].shape",
        b -> b.setInputs(0, infer(100_001, FEATURES, Float.NaN).getInputs(0)));
    c.run(
        "a message over the 64 MiB limit",
        Set.of(RESOURCE_EXHAUSTED),
        null,
        b ->
            b.setInputs(0, b.getInputs(0).toBuilder().clearContents())
                .addRawInputContents(ByteString.copyFrom(new byte[OVERSIZED.length()])));
    c.run("valid, after the batch", Set.of(OK), null, b -> b);
  }

  /**
   * Bytes that are no protobuf message, sent raw to methods of every service (issue 13, item 11).
   */
  private void garbageBytesCases() {
    byte[][] garbage = {
      {(byte) 0x08, (byte) 0xff, (byte) 0xff, (byte) 0xff}, // unterminated varint
      {(byte) 0x0a, (byte) 0x7f, 'a'}, // a string field longer than the message
      {(byte) 0x07}, // wire type 7 does not exist
    };
    Map<String, ManagedChannel> methods =
        Map.of(
            "canopy.inference.v1.InferenceService/Predict", gatewayChannel,
            "inference.GRPCInferenceService/ModelInfer", servingChannel,
            "canopy.features.v1.FeatureStoreService/GetOnlineFeatures", servingChannel,
            "canopy.registry.v1.ModelRegistryService/CreateModel", registryChannel,
            "canopy.registry.v1.ModelRegistryService/GetModel", registryChannel);
    methods.forEach(
        (method, channel) -> {
          for (byte[] bytes : garbage) {
            cases.grpc(
                "raw bytes",
                method + " " + Arrays.toString(bytes),
                Set.of(INVALID_ARGUMENT),
                "request",
                () ->
                    io.grpc.stub.ClientCalls.blockingUnaryCall(
                        channel,
                        RawBytes.unary(method),
                        io.grpc.CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
                        bytes));
          }
        });
  }

  private void registryCases() {
    String front = "registry";
    var stub = registry();
    for (String name : MalformedCases.HOSTILE_NAMES) {
      String label = label(name);
      cases.grpc(
          front,
          "CreateModel " + label,
          Set.of(INVALID_ARGUMENT),
          "name",
          () -> stub.createModel(CreateModelRequest.newBuilder().setName(name).build()));
      // "a/b" is a valid label key (Kubernetes style); the rest are not.
      boolean validKey = LABEL_KEY.matcher(name).matches();
      cases.grpc(
          front,
          "CreateModel label key " + label,
          validKey ? Set.of(OK) : Set.of(INVALID_ARGUMENT),
          "labels",
          () ->
              stub.createModel(
                  CreateModelRequest.newBuilder()
                      .setName("labelled-" + Math.abs(name.hashCode()))
                      .putLabels(name, "v")
                      .build()));
      cases.grpc(
          front,
          "GetModel " + label,
          Set.of(INVALID_ARGUMENT),
          "name",
          () -> stub.getModel(GetModelRequest.newBuilder().setName(name).build()));
      cases.grpc(
          front,
          "SetAlias alias " + label,
          Set.of(INVALID_ARGUMENT),
          "alias",
          () ->
              stub.setAlias(
                  SetAliasRequest.newBuilder()
                      .setModel(MODEL)
                      .setAlias(name)
                      .setVersion(1)
                      .build()));
      cases.grpc(
          front,
          "SetAlias model " + label,
          Set.of(INVALID_ARGUMENT),
          "model",
          () ->
              stub.setAlias(
                  SetAliasRequest.newBuilder().setModel(name).setAlias("a").setVersion(1).build()));
      cases.grpc(
          front,
          "DeleteAlias " + label,
          Set.of(INVALID_ARGUMENT),
          "alias",
          () ->
              stub.deleteAlias(
                  DeleteAliasRequest.newBuilder().setModel(MODEL).setAlias(name).build()));
      cases.grpc(
          front,
          "ListVersions " + label,
          Set.of(INVALID_ARGUMENT),
          "model",
          () -> stub.listVersions(ListVersionsRequest.newBuilder().setModel(name).build()));
      cases.grpc(
          front,
          "ListModels page token " + label,
          Set.of(INVALID_ARGUMENT),
          "page_token",
          () -> stub.listModels(ListModelsRequest.newBuilder().setPageToken(name).build()));
      cases.grpc(
          front,
          "UploadVersion model " + label,
          Set.of(INVALID_ARGUMENT),
          "header.model",
          () ->
              upload(UploadVersionHeader.newBuilder().setModel(name).setCreateModel(true).build()));
      cases.grpc(
          front,
          "UploadVersion label key " + label,
          validKey ? Set.of(OK) : Set.of(INVALID_ARGUMENT),
          "header.labels",
          () ->
              upload(
                  UploadVersionHeader.newBuilder().setModel(MODEL).putLabels(name, "v").build()));
      cases.grpc(
          front,
          "UploadVersion binding view " + label,
          Set.of(INVALID_ARGUMENT),
          "header.input_binding.feature_view",
          () ->
              upload(
                  UploadVersionHeader.newBuilder()
                      .setModel(MODEL)
                      .setInputBinding(
                          io.canopy.proto.registry.v1.InputBinding.newBuilder()
                              .setFeatureView(name)
                              .addFeatures("f0"))
                      .build()));
    }
    cases.grpc(
        front,
        "CreateModel no name",
        Set.of(INVALID_ARGUMENT),
        "name",
        () -> stub.createModel(CreateModelRequest.getDefaultInstance()));
    cases.grpc(
        front,
        "CreateModel 10 KB label value",
        Set.of(INVALID_ARGUMENT),
        "labels",
        () ->
            stub.createModel(
                CreateModelRequest.newBuilder()
                    .setName("fresh")
                    .putLabels("k", "v".repeat(10_000))
                    .build()));
    cases.grpc(
        front,
        "CreateModel 100 KB description",
        Set.of(INVALID_ARGUMENT),
        "description",
        () ->
            stub.createModel(
                CreateModelRequest.newBuilder()
                    .setName("fresh")
                    .setDescription("d".repeat(100_000))
                    .build()));
    cases.grpc(
        front,
        "CreateModel 65 labels",
        Set.of(INVALID_ARGUMENT),
        "labels",
        () ->
            stub.createModel(
                CreateModelRequest.newBuilder().setName("fresh").putAllLabels(labels(65)).build()));
    cases.grpc(
        front,
        "GetModel unknown",
        Set.of(NOT_FOUND),
        null,
        () -> stub.getModel(GetModelRequest.newBuilder().setName("no-such-model").build()));
    cases.grpc(
        front,
        "SetAlias latest",
        Set.of(INVALID_ARGUMENT),
        "alias",
        () ->
            stub.setAlias(
                SetAliasRequest.newBuilder()
                    .setModel(MODEL)
                    .setAlias("latest")
                    .setVersion(1)
                    .build()));
    for (long v : new long[] {0, -1, Long.MIN_VALUE}) {
      cases.grpc(
          front,
          "SetAlias version " + v,
          Set.of(INVALID_ARGUMENT),
          "version",
          () ->
              stub.setAlias(
                  SetAliasRequest.newBuilder()
                      .setModel(MODEL)
                      .setAlias("a")
                      .setVersion(v)
                      .build()));
      cases.grpc(
          front,
          "GetVersion " + v,
          Set.of(INVALID_ARGUMENT),
          "version",
          () ->
              stub.getVersion(
                  GetVersionRequest.newBuilder().setModel(MODEL).setVersion(v).build()));
      cases.grpc(
          front,
          "ArchiveVersion " + v,
          Set.of(INVALID_ARGUMENT),
          "version",
          () ->
              stub.archiveVersion(
                  ArchiveVersionRequest.newBuilder().setModel(MODEL).setVersion(v).build()));
      cases.grpc(
          front,
          "DownloadVersion " + v,
          Set.of(INVALID_ARGUMENT),
          "version",
          () ->
              stub.downloadVersion(
                      DownloadVersionRequest.newBuilder().setModel(MODEL).setVersion(v).build())
                  .forEachRemaining(r -> {}));
    }
    cases.grpc(
        front,
        "SetAlias unknown version",
        Set.of(NOT_FOUND, FAILED_PRECONDITION),
        null,
        () ->
            stub.setAlias(
                SetAliasRequest.newBuilder()
                    .setModel(MODEL)
                    .setAlias("a")
                    .setVersion(999)
                    .build()));
    cases.grpc(
        front,
        "SetAlias unknown model",
        Set.of(NOT_FOUND),
        null,
        () ->
            stub.setAlias(
                SetAliasRequest.newBuilder()
                    .setModel("no-such-model")
                    .setAlias("a")
                    .setVersion(1)
                    .build()));
    cases.grpc(
        front,
        "GetVersion unknown",
        Set.of(NOT_FOUND),
        null,
        () ->
            stub.getVersion(
                GetVersionRequest.newBuilder().setModel(MODEL).setVersion(999).build()));
    cases.grpc(
        front,
        "DownloadVersion unknown",
        Set.of(NOT_FOUND),
        null,
        () ->
            stub.downloadVersion(
                    DownloadVersionRequest.newBuilder().setModel(MODEL).setVersion(999).build())
                .forEachRemaining(r -> {}));
    cases.grpc(
        front,
        "DeleteAlias unknown",
        Set.of(NOT_FOUND),
        null,
        () ->
            stub.deleteAlias(
                DeleteAliasRequest.newBuilder().setModel(MODEL).setAlias("nope").build()));
    cases.grpc(
        front,
        "ListVersions page_size -1",
        Set.of(INVALID_ARGUMENT),
        "page_size",
        () ->
            stub.listVersions(
                ListVersionsRequest.newBuilder().setModel(MODEL).setPageSize(-1).build()));
    cases.grpc(
        front,
        "ListVersions garbage page token",
        Set.of(INVALID_ARGUMENT),
        "page_token",
        () ->
            stub.listVersions(
                ListVersionsRequest.newBuilder().setModel(MODEL).setPageToken("AAAA").build()));
    cases.grpc(
        front,
        "SetTrafficPolicy percents sum to 90",
        Set.of(INVALID_ARGUMENT),
        "policy.splits",
        () -> stub.setTrafficPolicy(policy(split(1, 90))));
    cases.grpc(
        front,
        "SetTrafficPolicy percent -10",
        Set.of(INVALID_ARGUMENT),
        "policy.splits[0].percent",
        () -> stub.setTrafficPolicy(policy(split(1, -10))));
    cases.grpc(
        front,
        "SetTrafficPolicy version -1",
        Set.of(INVALID_ARGUMENT),
        "policy.splits[0].version",
        () -> stub.setTrafficPolicy(policy(split(-1, 100))));
    cases.grpc(
        front,
        "SetTrafficPolicy unknown version",
        Set.of(NOT_FOUND, FAILED_PRECONDITION, INVALID_ARGUMENT),
        null,
        () -> stub.setTrafficPolicy(policy(split(999, 100))));
    cases.grpc(
        front,
        "UploadVersion no header",
        Set.of(INVALID_ARGUMENT),
        "header",
        () ->
            uploadRaw(
                List.of(
                    UploadVersionRequest.newBuilder()
                        .setChunk(ByteString.copyFromUtf8("{}"))
                        .build())));
    cases.grpc(
        front,
        "UploadVersion two headers",
        Set.of(INVALID_ARGUMENT),
        "header",
        () -> uploadRaw(List.of(header(MODEL), header(MODEL))));
    cases.grpc(
        front,
        "UploadVersion empty",
        Set.of(INVALID_ARGUMENT),
        "chunk",
        () -> uploadRaw(List.of(header(MODEL))));
    cases.grpc(
        front,
        "UploadVersion not a model",
        Set.of(INVALID_ARGUMENT),
        "chunk",
        () ->
            uploadRaw(
                List.of(
                    header(MODEL),
                    UploadVersionRequest.newBuilder()
                        .setChunk(ByteString.copyFromUtf8("hello"))
                        .build())));
    cases.grpc(
        front,
        "UploadVersion bad sha256",
        Set.of(INVALID_ARGUMENT),
        "header.expected_sha256",
        () ->
            upload(
                UploadVersionHeader.newBuilder()
                    .setModel(MODEL)
                    .setExpectedSha256("x'; DROP TABLE models;--")
                    .build()));
    cases.grpc(
        front,
        "UploadVersion sha256 mismatch",
        Set.of(INVALID_ARGUMENT),
        "header.expected_sha256",
        () ->
            upload(
                UploadVersionHeader.newBuilder()
                    .setModel(MODEL)
                    .setExpectedSha256(Sha256.hex(new byte[1]))
                    .build()));
    cases.grpc(
        front,
        "UploadVersion bogus feature type",
        Set.of(INVALID_ARGUMENT),
        "header.feature_types",
        () ->
            upload(
                UploadVersionHeader.newBuilder().setModel(MODEL).addFeatureTypes("bogus").build()));
    cases.grpc(
        front,
        "UploadVersion format 99",
        Set.of(INVALID_ARGUMENT),
        "header.format",
        () -> upload(UploadVersionHeader.newBuilder().setModel(MODEL).setFormatValue(99).build()));
    cases.grpc(
        front,
        "UploadVersion unknown model",
        Set.of(NOT_FOUND),
        null,
        () -> upload(UploadVersionHeader.newBuilder().setModel("no-such-model").build()));
    cases.grpc(
        front,
        "GetModel still answers",
        Set.of(OK),
        null,
        () -> stub.getModel(GetModelRequest.newBuilder().setName(MODEL).build()));
  }

  /** A Predict case: the valid request edited. */
  @FunctionalInterface
  private interface PredictCase {
    void run(
        String name,
        Set<Status.Code> codes,
        String field,
        UnaryOperator<PredictRequest.Builder> edit);
  }

  /** A KServe ModelInfer case: the valid request edited. */
  @FunctionalInterface
  private interface InferCase {
    void run(
        String name,
        Set<Status.Code> codes,
        String field,
        UnaryOperator<ModelInferRequest.Builder> edit);
  }

  private static ModelRegistryServiceGrpc.ModelRegistryServiceBlockingStub registry() {
    return ModelRegistryServiceGrpc.newBlockingStub(registryChannel)
        .withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  private static ModelVersion upload(UploadVersionHeader header) {
    try {
      return TestSuites.uploadBreastCancer(registryChannel, header);
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends exactly {@code messages} on one UploadVersion stream and waits for the answer. */
  private static void uploadRaw(List<UploadVersionRequest> messages) {
    var result =
        new java.util.concurrent.CompletableFuture<
            io.canopy.proto.registry.v1.UploadVersionResponse>();
    var requests =
        ModelRegistryServiceGrpc.newStub(registryChannel)
            .withDeadlineAfter(60, TimeUnit.SECONDS)
            .uploadVersion(Observers.completing(result));
    messages.forEach(requests::onNext);
    requests.onCompleted();
    try {
      result.get(90, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static UploadVersionRequest header(String model) {
    return UploadVersionRequest.newBuilder()
        .setHeader(UploadVersionHeader.newBuilder().setModel(model))
        .build();
  }

  private static SetTrafficPolicyRequest policy(TrafficSplit split) {
    return SetTrafficPolicyRequest.newBuilder()
        .setModel(MODEL)
        .setPolicy(TrafficPolicy.newBuilder().addSplits(split))
        .build();
  }

  private static TrafficSplit split(long version, int percent) {
    return TrafficSplit.newBuilder().setVersion(version).setPercent(percent).build();
  }

  private static Map<String, String> labels(int n) {
    Map<String, String> labels = new java.util.HashMap<>();
    for (int i = 0; i < n; i++) {
      labels.put("k" + i, "v");
    }
    return labels;
  }

  private static DenseRows.Builder dense(int features, float value) {
    float[] v = new float[features];
    Arrays.fill(v, value);
    return DenseRows.newBuilder().setNumFeatures(features).addAllValues(boxed(v));
  }

  private static DenseRows.Builder nanRows(int rows) {
    float[] v = new float[rows * FEATURES];
    Arrays.fill(v, Float.NaN);
    return DenseRows.newBuilder().setNumFeatures(FEATURES).addAllValues(boxed(v));
  }

  private static NamedRows named(String feature, float value) {
    return NamedRows.newBuilder()
        .addRows(NamedRow.newBuilder().putFeatures(feature, value))
        .build();
  }

  private static ModelInferRequest infer(int rows, int features, float value) {
    float[] v = new float[rows * features];
    Arrays.fill(v, value);
    return ModelInferRequest.newBuilder()
        .setModelName(MODEL)
        .addInputs(
            InferInputTensor.newBuilder()
                .setName("input-0")
                .setDatatype("FP32")
                .addShape(rows)
                .addShape(features)
                .setContents(InferTensorContents.newBuilder().addAllFp32Contents(boxed(v))))
        .build();
  }

  private static ByteString raw(int features) {
    ByteBuffer b = ByteBuffer.allocate(features * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < features; i++) {
      b.putFloat(Float.NaN);
    }
    return ByteString.copyFrom(b.array());
  }

  private static List<Float> boxed(float[] values) {
    Float[] out = new Float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return Arrays.asList(out);
  }

  private static String label(String name) {
    return name.length() > 40 ? name.length() + "-char name" : name;
  }
}
