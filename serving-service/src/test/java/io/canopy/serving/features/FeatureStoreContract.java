package io.canopy.serving.features;

import static io.canopy.serving.GrpcAssertions.assertCode;
import static io.canopy.serving.GrpcAssertions.assertInvalidField;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.canopy.common.grpc.GrpcServer;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.MutableClock;
import io.canopy.common.testing.Observers;
import io.canopy.proto.features.v1.CreateFeatureViewRequest;
import io.canopy.proto.features.v1.DeleteFeatureViewRequest;
import io.canopy.proto.features.v1.EntityFeatures;
import io.canopy.proto.features.v1.Feature;
import io.canopy.proto.features.v1.FeatureLayout;
import io.canopy.proto.features.v1.FeatureRow;
import io.canopy.proto.features.v1.FeatureStatus;
import io.canopy.proto.features.v1.FeatureStoreServiceGrpc;
import io.canopy.proto.features.v1.FeatureStoreServiceGrpc.FeatureStoreServiceBlockingStub;
import io.canopy.proto.features.v1.FeatureValue;
import io.canopy.proto.features.v1.FeatureView;
import io.canopy.proto.features.v1.GetFeatureViewRequest;
import io.canopy.proto.features.v1.GetOnlineFeaturesRequest;
import io.canopy.proto.features.v1.GetOnlineFeaturesResponse;
import io.canopy.proto.features.v1.ListFeatureViewsRequest;
import io.canopy.proto.features.v1.ListFeatureViewsResponse;
import io.canopy.proto.features.v1.ValueType;
import io.canopy.proto.features.v1.WriteFeaturesRequest;
import io.canopy.proto.features.v1.WriteFeaturesResponse;
import io.canopy.serving.grpc.FeatureStoreGrpcService;
import io.canopy.serving.metrics.ServingMetrics;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The FeatureStore contract, through the gRPC service, run against every backend (a subclass per
 * backend provides it). Time is a hand-moved clock.
 */
abstract class FeatureStoreContract {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** A small response budget (1 MiB) so the byte limits show with small data. */
  static final FeatureLimits LIMITS = new FeatureLimits(1 << 20, 64 << 10);

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  final MutableClock clock = new MutableClock(T0);
  private FeatureStoreServiceBlockingStub features;
  private FeatureStoreServiceGrpc.FeatureStoreServiceStub async;

  /** A fresh backend; {@link #restart} opens another one on the same data. */
  abstract FeatureBackend openBackend();

  @BeforeEach
  void startService() throws Exception {
    start(openBackend());
  }

  private void start(FeatureBackend backend) throws Exception {
    FeatureStore store =
        cleanup.register(new FeatureStore(backend, clock, java.time.Duration.ZERO, LIMITS));
    String name = InProcessServerBuilder.generateName();
    GrpcServer server =
        new GrpcServer(
            InProcessServerBuilder.forName(name),
            List.of(new FeatureStoreGrpcService(store, ServingMetrics.NOOP, Integer.MAX_VALUE)),
            List.of());
    cleanup.register(server);
    server.start();
    ManagedChannel channel = cleanup.register(InProcessChannelBuilder.forName(name).build());
    features = FeatureStoreServiceGrpc.newBlockingStub(channel);
    async = FeatureStoreServiceGrpc.newStub(channel);
  }

  /** Closes the current store and serves the same data from a newly opened backend. */
  void restart() throws Exception {
    cleanup.afterEach(null);
    start(openBackend());
  }

  static FeatureView customers(long ttlSeconds) {
    return FeatureView.newBuilder()
        .setName("customers")
        .setEntity("customer_id")
        .addFeatures(feature("age", ValueType.VALUE_TYPE_INT64))
        .addFeatures(feature("spend", ValueType.VALUE_TYPE_DOUBLE))
        .addFeatures(feature("score", ValueType.VALUE_TYPE_FLOAT))
        .addFeatures(feature("vip", ValueType.VALUE_TYPE_BOOL))
        .addFeatures(feature("city", ValueType.VALUE_TYPE_STRING))
        .setTtl(Duration.newBuilder().setSeconds(ttlSeconds))
        .build();
  }

  static Feature feature(String name, ValueType type) {
    return Feature.newBuilder().setName(name).setType(type).build();
  }

  FeatureView create(FeatureView view) {
    return features
        .createFeatureView(CreateFeatureViewRequest.newBuilder().setFeatureView(view).build())
        .getFeatureView();
  }

  static FeatureRow row(String key, Instant eventTime, Object... nameValues) {
    FeatureRow.Builder row =
        FeatureRow.newBuilder()
            .setEntityKey(key)
            .setEventTime(
                Timestamp.newBuilder()
                    .setSeconds(eventTime.getEpochSecond())
                    .setNanos(eventTime.getNano()));
    for (int i = 0; i < nameValues.length; i += 2) {
      row.putValues((String) nameValues[i], value(nameValues[i + 1]));
    }
    return row.build();
  }

  static FeatureValue value(Object v) {
    FeatureValue.Builder b = FeatureValue.newBuilder();
    switch (v) {
      case Long l -> b.setInt64Value(l);
      case Double d -> b.setDoubleValue(d);
      case Float f -> b.setFloatValue(f);
      case Boolean x -> b.setBoolValue(x);
      case String s -> b.setStringValue(s);
      default -> throw new IllegalArgumentException(v.toString());
    }
    return b.build();
  }

  /** Streams each list of rows as one message; the response, or the failure. */
  WriteFeaturesResponse write(String view, List<List<FeatureRow>> messages) throws Exception {
    CompletableFuture<WriteFeaturesResponse> done = new CompletableFuture<>();
    StreamObserver<WriteFeaturesRequest> requests = async.writeFeatures(Observers.completing(done));
    for (List<FeatureRow> rows : messages) {
      requests.onNext(
          WriteFeaturesRequest.newBuilder().setFeatureView(view).addAllRows(rows).build());
    }
    requests.onCompleted();
    try {
      return done.get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  WriteFeaturesResponse write(String view, FeatureRow... rows) throws Exception {
    return write(view, List.of(List.of(rows)));
  }

  GetOnlineFeaturesResponse read(String view, List<String> keys, String... names) {
    return features.getOnlineFeatures(
        GetOnlineFeaturesRequest.newBuilder()
            .setFeatureView(view)
            .addAllEntityKeys(keys)
            .addAllFeatures(List.of(names))
            .build());
  }

  @Test
  void createFeatureView_thenGet_returnsTheStoredViewWithItsCreateTime() {
    FeatureView created = create(customers(0));

    FeatureView got =
        features
            .getFeatureView(GetFeatureViewRequest.newBuilder().setName("customers").build())
            .getFeatureView();
    assertThat(got).isEqualTo(created);
    assertThat(got.getFeaturesList()).isEqualTo(customers(0).getFeaturesList());
    assertThat(got.getCreateTime().getSeconds()).isEqualTo(T0.getEpochSecond());
  }

  @Test
  void createFeatureView_existingName_isAlreadyExistsUnlessReplace() {
    create(customers(0));

    assertCode(() -> create(customers(60)), Status.Code.ALREADY_EXISTS);
    FeatureView replaced =
        features
            .createFeatureView(
                CreateFeatureViewRequest.newBuilder()
                    .setFeatureView(customers(60))
                    .setReplace(true)
                    .build())
            .getFeatureView();
    assertThat(replaced.getTtl().getSeconds()).isEqualTo(60);
  }

  @Test
  void createFeatureView_invalidDefinitions_nameTheField() {
    assertInvalidField(
        () -> create(customers(0).toBuilder().setName("no spaces").build()), "feature_view.name");
    // The one rule of every front: a leading '.' or '-' would be unreachable in a gateway URL.
    assertInvalidField(
        () -> create(customers(0).toBuilder().setName(".hidden").build()), "feature_view.name");
    assertInvalidField(
        () -> create(customers(0).toBuilder().setName("-flag").build()), "feature_view.name");
    assertInvalidField(
        () -> create(customers(0).toBuilder().setEntity("").build()), "feature_view.entity");
    assertInvalidField(
        () ->
            create(
                customers(0).toBuilder()
                    .addFeatures(feature("x", ValueType.VALUE_TYPE_UNSPECIFIED))
                    .build()),
        "feature_view.features[5].type");
    assertInvalidField(
        () ->
            create(
                customers(0).toBuilder()
                    .addFeatures(feature("age", ValueType.VALUE_TYPE_FLOAT))
                    .build()),
        "feature_view.features[5].name");
  }

  @Test
  void listFeatureViews_pagesInNameOrder() {
    for (String name : List.of("c", "a", "b")) {
      create(customers(0).toBuilder().setName(name).build());
    }

    ListFeatureViewsResponse first =
        features.listFeatureViews(ListFeatureViewsRequest.newBuilder().setPageSize(2).build());
    ListFeatureViewsResponse second =
        features.listFeatureViews(
            ListFeatureViewsRequest.newBuilder()
                .setPageSize(2)
                .setPageToken(first.getNextPageToken())
                .build());

    assertThat(first.getFeatureViewsList())
        .extracting(FeatureView::getName)
        .containsExactly("a", "b");
    assertThat(second.getFeatureViewsList()).extracting(FeatureView::getName).containsExactly("c");
    assertThat(second.getNextPageToken()).isEmpty();
  }

  @Test
  void getOnlineFeatures_duplicateKeys_everyPositionAnswered() throws Exception {
    create(customers(0));
    write("customers", row("alice", T0, "age", 41L), row("bob", T0, "age", 29L));

    GetOnlineFeaturesResponse found =
        read("customers", List.of("alice", "bob", "alice", "alice"), "age");

    assertThat(found.getRowsList())
        .extracting(EntityFeatures::getEntityKey)
        .containsExactly("alice", "bob", "alice", "alice");
    assertThat(found.getRowsList())
        .extracting(r -> r.getValues(0).getInt64Value())
        .containsExactly(41L, 29L, 41L, 41L);
  }

  /** 20 STRING features; each entity written holds 20 values of 1,000 characters (20 KB). */
  void wideView(String... keys) throws Exception {
    FeatureView.Builder view = FeatureView.newBuilder().setName("wide").setEntity("id");
    for (int f = 0; f < 20; f++) {
      view.addFeatures(feature("s" + f, ValueType.VALUE_TYPE_STRING));
    }
    create(view.build());
    List<FeatureRow> rows = new java.util.ArrayList<>();
    for (String key : keys) {
      Object[] values = new Object[40];
      for (int f = 0; f < 20; f++) {
        values[2 * f] = "s" + f;
        values[2 * f + 1] = "x".repeat(1000);
      }
      rows.add(row(key, T0, values));
    }
    write("wide", List.of(rows));
  }

  @Test
  void getOnlineFeatures_copiesOfOneKeyOverTheByteBudget_resourceExhaustedBeforeBuildingTheAnswer()
      throws Exception {
    wideView("k");

    // 2,000 copies of one 20 KB entity: a 30 KB request asking for a 40 MB answer.
    io.grpc.StatusRuntimeException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            io.grpc.StatusRuntimeException.class,
            () -> read("wide", java.util.Collections.nCopies(2000, "k")));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).contains("serving.features.max-response-bytes");
    io.grpc.StatusRuntimeException inColumns =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            io.grpc.StatusRuntimeException.class,
            () -> readColumns("wide", java.util.Collections.nCopies(2000, "k")));
    assertThat(inColumns.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    // Within the budget the same key is answered.
    assertThat(read("wide", java.util.Collections.nCopies(10, "k")).getRowsCount()).isEqualTo(10);
  }

  @Test
  void getOnlineFeatures_manyDistinctLargeEntities_readingStopsAtTheBudget() throws Exception {
    String[] keys = new String[200];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = "k" + i;
    }
    wideView(keys); // 4 MB stored

    io.grpc.StatusRuntimeException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            io.grpc.StatusRuntimeException.class, () -> read("wide", List.of(keys)));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).contains("serving.features.max-response-bytes");
  }

  @Test
  void narrowedView_valuesOfDroppedFeaturesOverTheBudget_countAgainstIt() throws Exception {
    String[] keys = new String[200];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = "k" + i;
    }
    wideView(keys); // 4 MB stored, four times the budget
    FeatureView narrowed =
        FeatureView.newBuilder()
            .setName("wide")
            .setEntity("id")
            .addFeatures(feature("n", ValueType.VALUE_TYPE_INT64))
            .build();
    features.createFeatureView(
        CreateFeatureViewRequest.newBuilder().setFeatureView(narrowed).setReplace(true).build());

    // Every feature of the view: a whole-record read (HGETALL on Redis) that fetches the dropped
    // features' 20 KB a record. The answer would be small; what the read holds is not.
    io.grpc.StatusRuntimeException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            io.grpc.StatusRuntimeException.class, () -> read("wide", List.of(keys)));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).contains("serving.features.max-response-bytes");
    // Within the budget the same records are answered, with only the view's feature.
    GetOnlineFeaturesResponse some = read("wide", List.of(keys).subList(0, 10));
    assertThat(some.getFeaturesList()).containsExactly("n");
    assertThat(some.getRows(0).getStatusesList())
        .containsExactly(FeatureStatus.FEATURE_STATUS_NOT_FOUND);
  }

  @Test
  void writeFeatures_stringOverTheValueLimit_refusedNamingTheFeature() throws Exception {
    create(
        FeatureView.newBuilder()
            .setName("notes")
            .setEntity("id")
            .addFeatures(feature("note", ValueType.VALUE_TYPE_STRING))
            .setMaxValueBytes(100)
            .build());

    assertThat(write("notes", row("a", T0, "note", "x".repeat(100))).getRowsWritten()).isEqualTo(1);
    assertInvalidField(
        () -> write("notes", row("b", T0, "note", "x".repeat(101))), "rows[0].values");
    // UTF-8 bytes, not characters: 51 two-byte characters are 102 bytes.
    assertInvalidField(
        () -> write("notes", row("c", T0, "note", "é".repeat(51))), "rows[0].values");
    // The server's ceiling applies to views without a limit of their own.
    create(customers(0));
    assertInvalidField(
        () -> write("customers", row("d", T0, "city", "x".repeat((64 << 10) + 1))),
        "rows[0].values");
    assertThat(read("notes", List.of("b", "c"), "note").getRowsList())
        .allSatisfy(
            r -> assertThat(r.getStatuses(0)).isEqualTo(FeatureStatus.FEATURE_STATUS_NOT_FOUND));
  }

  /**
   * What a cancelled WriteFeatures stream leaves (issue 13, item 6): each message is applied whole
   * as it arrives, so a cancelled stream leaves the messages before the cancellation and none of
   * the rest; sending the same rows again (same event times) converges to exactly the state one
   * uninterrupted stream gives.
   */
  @Test
  void writeFeatures_cancelledStream_leavesWholeMessages_andARetryConverges() throws Exception {
    create(customers(0));
    List<List<FeatureRow>> messages = new java.util.ArrayList<>();
    for (int m = 0; m < 10; m++) {
      List<FeatureRow> rows = new java.util.ArrayList<>();
      for (int r = 0; r < 100; r++) {
        rows.add(row("e" + (m * 100 + r), T0.plusSeconds(m), "age", (long) m, "city", "c" + m));
      }
      messages.add(rows);
    }

    io.grpc.Context.CancellableContext call = io.grpc.Context.current().withCancellation();
    CompletableFuture<WriteFeaturesResponse> done = new CompletableFuture<>();
    StreamObserver<WriteFeaturesRequest> requests =
        call.call(() -> async.writeFeatures(Observers.completing(done)));
    for (int m = 0; m < 6; m++) {
      requests.onNext(
          WriteFeaturesRequest.newBuilder()
              .setFeatureView("customers")
              .addAllRows(messages.get(m))
              .build());
    }
    io.canopy.common.testing.Await.until(
        "the sixth message is applied",
        java.time.Duration.ofSeconds(20),
        () ->
            read("customers", List.of("e599"), "age").getRows(0).getStatuses(0)
                == FeatureStatus.FEATURE_STATUS_PRESENT);
    call.cancel(null); // the client goes away without half-closing

    assertThat(catchThrowable(() -> done.get(20, TimeUnit.SECONDS))).isNotNull();
    List<String> all = new java.util.ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      all.add("e" + i);
    }
    GetOnlineFeaturesResponse afterCancel = read("customers", all, "age");
    for (int m = 0; m < 10; m++) {
      long present =
          afterCancel.getRowsList().subList(m * 100, m * 100 + 100).stream()
              .filter(r -> r.getStatuses(0) == FeatureStatus.FEATURE_STATUS_PRESENT)
              .count();
      assertThat(present).as("message %d is applied whole or not at all", m).isIn(0L, 100L);
    }
    assertThat(afterCancel.getRows(599).getValues(0).getInt64Value()).isEqualTo(5L);

    // The client retries the whole stream: every row counted once, the state as if never cut.
    WriteFeaturesResponse retried = write("customers", messages);
    assertThat(retried.getRowsWritten() + retried.getRowsStale()).isEqualTo(1000);
    GetOnlineFeaturesResponse after = read("customers", all, "age", "city");
    for (int i = 0; i < 1000; i++) {
      EntityFeatures row = after.getRows(i);
      assertThat(row.getValues(0).getInt64Value()).isEqualTo(i / 100);
      assertThat(row.getValues(1).getStringValue()).isEqualTo("c" + (i / 100));
      assertThat(row.getEventTimes(0).getSeconds()).isEqualTo(T0.getEpochSecond() + i / 100);
    }
  }

  @Test
  void getOnlineFeatures_manyKeys_answersInRequestOrderWithPerValueStatus() throws Exception {
    create(customers(0));
    write(
        "customers",
        row("alice", T0, "age", 41L, "spend", 12.5, "score", 0.25f, "vip", true, "city", "Oslo"));
    write("customers", row("bob", T0, "age", 29L));

    GetOnlineFeaturesResponse found =
        read("customers", List.of("bob", "nobody", "alice"), "city", "age");

    assertThat(found.getFeaturesList()).containsExactly("city", "age");
    assertThat(found.getRowsList())
        .extracting(EntityFeatures::getEntityKey)
        .containsExactly("bob", "nobody", "alice");
    EntityFeatures bob = found.getRows(0);
    assertThat(bob.getStatusesList())
        .containsExactly(
            FeatureStatus.FEATURE_STATUS_NOT_FOUND, FeatureStatus.FEATURE_STATUS_PRESENT);
    assertThat(bob.getValues(1).getInt64Value()).isEqualTo(29L);
    assertThat(found.getRows(1).getStatusesList())
        .containsOnly(FeatureStatus.FEATURE_STATUS_NOT_FOUND);
    EntityFeatures alice = found.getRows(2);
    assertThat(alice.getValues(0).getStringValue()).isEqualTo("Oslo");
    assertThat(alice.getValues(1).getInt64Value()).isEqualTo(41L);
    assertThat(alice.getEventTimes(1).getSeconds()).isEqualTo(T0.getEpochSecond());

    GetOnlineFeaturesResponse all = read("customers", List.of("alice"));
    assertThat(all.getFeaturesList()).containsExactly("age", "spend", "score", "vip", "city");
    assertThat(all.getRows(0).getValues(1).getDoubleValue()).isEqualTo(12.5);
    assertThat(all.getRows(0).getValues(2).getFloatValue()).isEqualTo(0.25f);
    assertThat(all.getRows(0).getValues(3).getBoolValue()).isTrue();
  }

  GetOnlineFeaturesResponse readColumns(String view, List<String> keys, String... names) {
    return features.getOnlineFeatures(
        GetOnlineFeaturesRequest.newBuilder()
            .setFeatureView(view)
            .addAllEntityKeys(keys)
            .addAllFeatures(List.of(names))
            .setLayout(FeatureLayout.FEATURE_LAYOUT_COLUMNS)
            .build());
  }

  @Test
  void getOnlineFeatures_columns_sayWhatRowsSayValueForValue() throws Exception {
    create(customers(60));
    Instant alicesTime = T0.minusNanos(123_456_789);
    write(
        "customers",
        row("alice", alicesTime, "age", 41L, "spend", 12.5, "score", -0.0f, "vip", true),
        row("alice", alicesTime, "city", "Tromsø"),
        row("bob", T0, "age", -29L),
        // Past the TTL (EXPIRED, still returned), and values at their types' edges.
        row(
            "carol",
            T0.minusSeconds(120),
            "age",
            Long.MIN_VALUE,
            "spend",
            Double.NaN,
            "score",
            Float.MAX_VALUE,
            "vip",
            false,
            "city",
            ""));
    List<String> keys = List.of("carol", "nobody", "alice", "bob", "alice");
    String[] names = {"city", "age", "spend", "score", "vip", "age"};

    GetOnlineFeaturesResponse rows = read("customers", keys, names);
    GetOnlineFeaturesResponse columns = readColumns("customers", keys, names);

    assertThat(columns.getRowsCount()).isZero();
    assertThat(rows.getColumnsCount()).isZero();
    assertThat(ColumnarAnswers.asRows(columns)).isEqualTo(rows);
    assertThat(columns.getEntityKeysList()).isEqualTo(keys);
    assertThat(columns.getFeaturesList()).containsExactly(names);
    var age = columns.getColumns(1);
    assertThat(age.getType()).isEqualTo(ValueType.VALUE_TYPE_INT64);
    assertThat(age.getInt64ValuesList()).containsExactly(Long.MIN_VALUE, 0L, 41L, -29L, 41L);
    assertThat(age.getStatusesList())
        .containsExactly(
            FeatureStatus.FEATURE_STATUS_EXPIRED,
            FeatureStatus.FEATURE_STATUS_NOT_FOUND,
            FeatureStatus.FEATURE_STATUS_PRESENT,
            FeatureStatus.FEATURE_STATUS_PRESENT,
            FeatureStatus.FEATURE_STATUS_PRESENT);
    assertThat(age.getEventTimeNanosList())
        .containsExactly(
            FeatureStore.nanos(T0.minusSeconds(120)),
            0L,
            FeatureStore.nanos(alicesTime),
            FeatureStore.nanos(T0),
            FeatureStore.nanos(alicesTime));
    assertThat(columns.getColumns(5)).isEqualTo(age);
    assertThat(columns.getColumns(0).getStringValuesList())
        .containsExactly("", "", "Tromsø", "", "Tromsø");
    assertThat(columns.getColumns(2).getDoubleValues(0)).isNaN();
    assertThat(columns.getColumns(3).getFloatValuesList())
        .containsExactly(Float.MAX_VALUE, 0f, -0.0f, 0f, -0.0f);
    assertThat(columns.getColumns(4).getBoolValuesList())
        .containsExactly(false, false, true, false, true);

    // A feature retyped since its values were written: NOT_FOUND in both layouts.
    features.createFeatureView(
        CreateFeatureViewRequest.newBuilder()
            .setFeatureView(
                customers(60).toBuilder()
                    .setFeatures(1, feature("spend", ValueType.VALUE_TYPE_STRING))
                    .build())
            .setReplace(true)
            .build());
    GetOnlineFeaturesResponse retyped = readColumns("customers", keys, names);
    assertThat(ColumnarAnswers.asRows(retyped)).isEqualTo(read("customers", keys, names));
    assertThat(retyped.getColumns(2).getStatusesList())
        .containsOnly(FeatureStatus.FEATURE_STATUS_NOT_FOUND);
  }

  @Test
  void getOnlineFeatures_columnsOfEveryFeature_equalRowsOfEveryFeature() throws Exception {
    create(customers(0));
    write(
        "customers",
        row("alice", T0, "age", 41L, "spend", 12.5, "score", 0.25f, "vip", true, "city", "Oslo"));

    GetOnlineFeaturesResponse columns = readColumns("customers", List.of("alice", "bob"));

    assertThat(columns.getFeaturesList()).containsExactly("age", "spend", "score", "vip", "city");
    assertThat(ColumnarAnswers.asRows(columns))
        .isEqualTo(read("customers", List.of("alice", "bob")));
  }

  @Test
  void getOnlineFeatures_unknownLayout_isInvalidNamingTheLayout() {
    create(customers(0));

    assertInvalidField(
        () ->
            features.getOnlineFeatures(
                GetOnlineFeaturesRequest.newBuilder()
                    .setFeatureView("customers")
                    .addEntityKeys("alice")
                    .setLayoutValue(7)
                    .build()),
        "layout");
  }

  @Test
  void writeFeatures_olderEventTime_neverOverwritesANewerValue() throws Exception {
    create(customers(0));
    Instant t1 = T0.plusSeconds(10);
    Instant t2 = T0.plusSeconds(20);
    write("customers", row("alice", t2, "age", 42L));

    WriteFeaturesResponse stale = write("customers", row("alice", t1, "age", 41L));
    // Per feature: the older event still fills a feature that has no newer value.
    WriteFeaturesResponse merged = write("customers", row("alice", t1, "age", 40L, "spend", 3.0));

    assertThat(stale.getRowsWritten()).isZero();
    assertThat(stale.getRowsStale()).isEqualTo(1);
    assertThat(merged.getRowsWritten()).isEqualTo(1);
    EntityFeatures alice = read("customers", List.of("alice"), "age", "spend").getRows(0);
    assertThat(alice.getValues(0).getInt64Value()).isEqualTo(42L);
    assertThat(alice.getEventTimes(0).getSeconds()).isEqualTo(t2.getEpochSecond());
    assertThat(alice.getValues(1).getDoubleValue()).isEqualTo(3.0);

    write("customers", row("alice", t2.plusSeconds(1), "age", 43L));
    assertThat(read("customers", List.of("alice"), "age").getRows(0).getValues(0).getInt64Value())
        .isEqualTo(43L);
  }

  @Test
  void writeFeatures_severalMessages_countsEveryRow() throws Exception {
    create(customers(0));
    List<List<FeatureRow>> messages = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (int m = 0; m < 3; m++) {
      List<FeatureRow> rows = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        String key = "c" + (m * 50 + i);
        keys.add(key);
        rows.add(row(key, T0, "age", (long) (m * 50 + i)));
      }
      messages.add(rows);
    }

    WriteFeaturesResponse counts = write("customers", messages);

    assertThat(counts.getRowsWritten()).isEqualTo(150);
    GetOnlineFeaturesResponse found = read("customers", keys, "age");
    for (int i = 0; i < 150; i++) {
      assertThat(found.getRows(i).getValues(0).getInt64Value()).isEqualTo(i);
    }
  }

  @Test
  void getOnlineFeatures_pastTheTtl_isExpiredButStillReturnsTheValue() throws Exception {
    create(customers(60));
    write("customers", row("alice", T0, "age", 41L));

    clock.advance(java.time.Duration.ofSeconds(59));
    assertThat(read("customers", List.of("alice"), "age").getRows(0).getStatuses(0))
        .isEqualTo(FeatureStatus.FEATURE_STATUS_PRESENT);
    clock.advance(java.time.Duration.ofSeconds(2));
    EntityFeatures alice = read("customers", List.of("alice"), "age").getRows(0);
    assertThat(alice.getStatuses(0)).isEqualTo(FeatureStatus.FEATURE_STATUS_EXPIRED);
    assertThat(alice.getValues(0).getInt64Value()).isEqualTo(41L);
  }

  @Test
  void writeFeatures_badRows_areRefusedNamingTheField() {
    create(customers(0));

    assertCode(() -> write("nope", row("alice", T0, "age", 1L)), Status.Code.NOT_FOUND);
    assertInvalidField(() -> write("customers", row("alice", T0, "height", 1L)), "rows[0].values");
    assertInvalidField(() -> write("customers", row("alice", T0, "age", "old")), "rows[0].values");
    assertInvalidField(() -> write("customers", row("", T0, "age", 1L)), "rows[0].entity_key");
  }

  @Test
  void getOnlineFeatures_badRequests_areRefused() {
    create(customers(0));

    assertCode(() -> read("nope", List.of("alice")), Status.Code.NOT_FOUND);
    assertInvalidField(() -> read("customers", List.of("alice"), "height"), "features");
    assertInvalidField(() -> read("customers", List.of()), "entity_keys");
  }

  @Test
  void deleteFeatureView_removesTheViewAndItsValues() throws Exception {
    create(customers(0));
    write("customers", row("alice", T0, "age", 41L));

    features.deleteFeatureView(DeleteFeatureViewRequest.newBuilder().setName("customers").build());

    assertCode(
        () ->
            features.getFeatureView(
                GetFeatureViewRequest.newBuilder().setName("customers").build()),
        Status.Code.NOT_FOUND);
    create(customers(0));
    assertThat(read("customers", List.of("alice"), "age").getRows(0).getStatuses(0))
        .isEqualTo(FeatureStatus.FEATURE_STATUS_NOT_FOUND);
  }

  @Test
  void replacedView_valuesOfAFeatureWhoseTypeChanged_readAsNotFound() throws Exception {
    create(customers(0));
    write("customers", row("alice", T0, "age", 41L, "spend", 2.0));
    FeatureView retyped =
        customers(0).toBuilder()
            .setFeatures(0, feature("age", ValueType.VALUE_TYPE_STRING))
            .build();

    features.createFeatureView(
        CreateFeatureViewRequest.newBuilder().setFeatureView(retyped).setReplace(true).build());

    EntityFeatures alice = read("customers", List.of("alice"), "age", "spend").getRows(0);
    assertThat(alice.getStatusesList())
        .containsExactly(
            FeatureStatus.FEATURE_STATUS_NOT_FOUND, FeatureStatus.FEATURE_STATUS_PRESENT);
  }

  @Test
  void replacedView_readOfEveryFeature_answersOnlyTheViewsFeatures() throws Exception {
    create(customers(0));
    write("customers", row("alice", T0, "age", 41L, "spend", 2.0, "city", "Oslo"));
    write("customers", row("bob", T0, "spend", 3.0));
    FeatureView narrowed =
        customers(0).toBuilder()
            .clearFeatures()
            .addFeatures(feature("vip", ValueType.VALUE_TYPE_BOOL))
            .addFeatures(feature("spend", ValueType.VALUE_TYPE_DOUBLE))
            .build();
    features.createFeatureView(
        CreateFeatureViewRequest.newBuilder().setFeatureView(narrowed).setReplace(true).build());

    // No names: every feature of the view, though the stored records hold features it dropped.
    GetOnlineFeaturesResponse answer = read("customers", List.of("alice", "bob", "carol"));

    assertThat(answer.getFeaturesList()).containsExactly("vip", "spend");
    for (int k = 0; k < 2; k++) {
      EntityFeatures row = answer.getRows(k);
      assertThat(row.getStatusesList())
          .containsExactly(
              FeatureStatus.FEATURE_STATUS_NOT_FOUND, FeatureStatus.FEATURE_STATUS_PRESENT);
      assertThat(row.getValues(1).getDoubleValue()).isEqualTo(k == 0 ? 2.0 : 3.0);
    }
    assertThat(answer.getRows(2).getStatusesList())
        .containsOnly(FeatureStatus.FEATURE_STATUS_NOT_FOUND);
  }

  @Test
  void writeFeatures_concurrentWritersOfOneEntity_keepTheNewestEventTime() throws Exception {
    create(customers(0));
    int writers = 4;
    int writes = 25;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < writes; i++) {
                  // Interleaved, out-of-order event times; seconds = the value written.
                  long second = (long) ((i * 7 + writer * 13) % (writers * writes)) + 1;
                  write("customers", row("alice", T0.plusSeconds(second), "age", second));
                }
                return null;
              }));
    }
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();

    EntityFeatures alice = read("customers", List.of("alice"), "age").getRows(0);
    long newest = 0;
    for (int w = 0; w < writers; w++) {
      for (int i = 0; i < writes; i++) {
        newest = Math.max(newest, (i * 7 + w * 13) % (writers * writes) + 1);
      }
    }
    assertThat(alice.getValues(0).getInt64Value()).isEqualTo(newest);
    assertThat(alice.getEventTimes(0).getSeconds()).isEqualTo(T0.getEpochSecond() + newest);
  }

  @Test
  void restart_keepsViewsAndValues() throws Exception {
    create(customers(0));
    write("customers", row("alice", T0, "age", 41L));

    restart();

    EntityFeatures alice = read("customers", List.of("alice"), "age").getRows(0);
    assertThat(alice.getStatuses(0)).isEqualTo(FeatureStatus.FEATURE_STATUS_PRESENT);
    assertThat(alice.getValues(0).getInt64Value()).isEqualTo(41L);
  }
}
