package io.canopy.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.registry.v1.ChangeKind;
import io.canopy.proto.registry.v1.CreateModelRequest;
import io.canopy.proto.registry.v1.DeleteModelRequest;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.SetAliasRequest;
import io.canopy.proto.registry.v1.VersionState;
import io.canopy.proto.registry.v1.WatchModelsRequest;
import io.canopy.proto.registry.v1.WatchModelsResponse;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** WatchModels: snapshot, live changes, resumption, many watchers, shutdown. */
abstract class WatchModelsContract {

  private final Backend backend;

  WatchModelsContract(Backend backend) {
    this.backend = backend;
  }

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path dataDir;
  private InProcessRegistry registry;
  private RegistryClient client;

  @BeforeEach
  void start() {
    TestBackend storage = cleanup.register(TestBackend.create(backend));
    registry = cleanup.register(InProcessRegistry.start(dataDir, storage, Map.of()));
    client = registry.client;
  }

  private void createModel(String name) {
    client.blocking.createModel(CreateModelRequest.newBuilder().setName(name).build());
  }

  @Test
  void watchModels_fromZero_snapshotThenEveryChangeInRevisionOrder() throws Exception {
    ModelVersion v1 = client.upload("cancer", Fixtures.bytes(Fixtures.UBJ));
    client.upload("cancer", Fixtures.bytes(Fixtures.TRUNCATED));
    RegistryClient.Watch watch = cleanup.register(client.watch(0));

    WatchModelsResponse snapshot = watch.next();
    assertThat(snapshot.getKind()).isEqualTo(ChangeKind.CHANGE_KIND_SNAPSHOT);
    assertThat(snapshot.getModelsList()).extracting(Model::getName).containsExactly("cancer");
    assertThat(snapshot.getModels(0).getLatestVersion()).isEqualTo(1);
    assertThat(snapshot.getVersionsList())
        .extracting(ModelVersion::getVersion, ModelVersion::getState)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1L, VersionState.VERSION_STATE_READY),
            org.assertj.core.groups.Tuple.tuple(2L, VersionState.VERSION_STATE_FAILED));
    assertThat(snapshot.getVersions(0).getSha256()).isEqualTo(v1.getSha256());

    client.blocking.setAlias(
        SetAliasRequest.newBuilder()
            .setModel("cancer")
            .setAlias("production")
            .setVersion(1)
            .build());
    WatchModelsResponse aliasChange = watch.next();
    assertThat(aliasChange.getKind()).isEqualTo(ChangeKind.CHANGE_KIND_MODEL_UPSERTED);
    assertThat(aliasChange.getRevision()).isEqualTo(snapshot.getRevision() + 1);
    assertThat(aliasChange.getModels(0).getAliasesMap()).containsEntry("production", 1L);

    createModel("other");
    WatchModelsResponse created = watch.next();
    client.blocking.deleteModel(DeleteModelRequest.newBuilder().setName("other").build());
    WatchModelsResponse deleted = watch.next();
    assertThat(created.getKind()).isEqualTo(ChangeKind.CHANGE_KIND_MODEL_UPSERTED);
    assertThat(created.getModels(0).getName()).isEqualTo("other");
    assertThat(deleted.getKind()).isEqualTo(ChangeKind.CHANGE_KIND_MODEL_DELETED);
    assertThat(deleted.getDeletedModel()).isEqualTo("other");
    assertThat(deleted.getRevision()).isEqualTo(created.getRevision() + 1);
  }

  @Test
  void watchModels_newUpload_streamsValidatingThenReady() throws Exception {
    RegistryClient.Watch watch = cleanup.register(client.watch(0));
    long start = watch.next().getRevision();

    client.upload("cancer", Fixtures.bytes(Fixtures.UBJ));

    List<WatchModelsResponse> events = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      events.add(watch.next());
    }
    assertThat(events)
        .extracting(WatchModelsResponse::getRevision)
        .containsExactly(start + 1, start + 2, start + 3);
    assertThat(events)
        .extracting(WatchModelsResponse::getKind)
        .containsExactly(
            ChangeKind.CHANGE_KIND_MODEL_UPSERTED,
            ChangeKind.CHANGE_KIND_VERSION_UPSERTED,
            ChangeKind.CHANGE_KIND_VERSION_UPSERTED);
    WatchModelsResponse ready = events.get(2);
    assertThat(ready.getVersions(0).getState()).isEqualTo(VersionState.VERSION_STATE_READY);
    assertThat(ready.getModels(0).getLatestVersion()).isEqualTo(1);
  }

  @Test
  void watchModels_resumeFromRevision_seesEachLaterChangeExactlyOnceWithoutSnapshot()
      throws Exception {
    createModel("a");
    long seen;
    try (RegistryClient.Watch first = client.watch(0)) {
      seen = first.next().getRevision();
    }
    createModel("b");
    createModel("c");

    RegistryClient.Watch resumed = cleanup.register(client.watch(seen));
    WatchModelsResponse b = resumed.next();
    WatchModelsResponse c = resumed.next();
    createModel("d");
    WatchModelsResponse d = resumed.next();

    assertThat(List.of(b, c, d))
        .extracting(WatchModelsResponse::getKind)
        .containsOnly(ChangeKind.CHANGE_KIND_MODEL_UPSERTED);
    assertThat(List.of(b, c, d))
        .extracting(r -> r.getModels(0).getName())
        .containsExactly("b", "c", "d");
    assertThat(List.of(b, c, d))
        .extracting(WatchModelsResponse::getRevision)
        .containsExactly(seen + 1, seen + 2, seen + 3);
    assertThat(resumed.poll()).isNull();
  }

  @Test
  void watchModels_entityGoneBeforeResume_upsertAtMostOnceThenTheDeletion() throws Exception {
    createModel("a");
    long seen;
    try (RegistryClient.Watch first = client.watch(0)) {
      seen = first.next().getRevision();
    }
    createModel("brief");
    client.blocking.deleteModel(DeleteModelRequest.newBuilder().setName("brief").build());

    RegistryClient.Watch resumed = cleanup.register(client.watch(seen));

    // The upsert is sent with the state read after its commit, or skipped when the model was
    // already gone by then; either way the deletion follows at its own revision.
    WatchModelsResponse event = resumed.next();
    if (event.getKind() == ChangeKind.CHANGE_KIND_MODEL_UPSERTED) {
      assertThat(event.getRevision()).isEqualTo(seen + 1);
      assertThat(event.getModels(0).getName()).isEqualTo("brief");
      event = resumed.next();
    }
    assertThat(event.getKind()).isEqualTo(ChangeKind.CHANGE_KIND_MODEL_DELETED);
    assertThat(event.getDeletedModel()).isEqualTo("brief");
    assertThat(event.getRevision()).isEqualTo(seen + 2);
  }

  @Test
  void watchModels_resumedTwiceDuringConcurrentWrites_everyRevisionExactlyOnceInOrder()
      throws Exception {
    int writers = 4;
    int perWriter = 12;
    int total = writers * perWriter;
    RegistryClient.Watch watch = client.watch(0);
    long start = watch.next().getRevision();
    List<WatchModelsResponse> seen = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> writes = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        writes.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perWriter; i++) {
                    createModel("w" + writer + "-" + i);
                  }
                }));
      }
      // Read a third, drop the stream, resume from the last revision seen; three times.
      long last = start;
      for (int phase = 0; phase < 3; phase++) {
        for (int k = 0; k < total / 3; k++) {
          WatchModelsResponse event = watch.next();
          seen.add(event);
          last = event.getRevision();
        }
        watch.close();
        watch = client.watch(last);
      }
      for (Future<?> write : writes) {
        write.get(30, TimeUnit.SECONDS);
      }
    } finally {
      watch.close();
      pool.shutdownNow();
    }

    assertThat(seen)
        .extracting(WatchModelsResponse::getRevision)
        .containsExactlyElementsOf(
            LongStream.rangeClosed(start + 1, start + total).boxed().toList());
    assertThat(seen)
        .extracting(WatchModelsResponse::getKind)
        .containsOnly(ChangeKind.CHANGE_KIND_MODEL_UPSERTED);
    assertThat(seen.stream().map(e -> e.getModels(0).getName()).distinct().count())
        .isEqualTo(total);
  }

  @Test
  void watchModels_revisionUnknownToThisRegistry_startsWithSnapshot() throws Exception {
    createModel("a");

    RegistryClient.Watch watch = cleanup.register(client.watch(1_000));

    WatchModelsResponse first = watch.next();
    assertThat(first.getKind()).isEqualTo(ChangeKind.CHANGE_KIND_SNAPSHOT);
    assertThat(first.getRevision()).isEqualTo(1);
  }

  @Test
  void watchModels_manyWatchers_allSeeTheSameChange() throws Exception {
    List<RegistryClient.Watch> watches = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      RegistryClient.Watch w = cleanup.register(client.watch(0));
      w.next();
      watches.add(w);
    }

    createModel("shared");

    for (RegistryClient.Watch w : watches) {
      assertThat(w.next().getModels(0).getName()).isEqualTo("shared");
    }
  }

  @Test
  void watchModels_clientNotReading_writersNeverBlockAndNothingIsLost() throws Exception {
    BlockingQueue<WatchModelsResponse> received = new LinkedBlockingQueue<>();
    AtomicReference<ClientCallStreamObserver<WatchModelsRequest>> call = new AtomicReference<>();
    client.async.watchModels(
        WatchModelsRequest.getDefaultInstance(),
        new ClientResponseObserver<WatchModelsRequest, WatchModelsResponse>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<WatchModelsRequest> requestStream) {
            requestStream.disableAutoRequestWithInitial(1);
            call.set(requestStream);
          }

          @Override
          public void onNext(WatchModelsResponse value) {
            received.add(value);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        });
    assertThat(received.poll(20, TimeUnit.SECONDS).getKind())
        .isEqualTo(ChangeKind.CHANGE_KIND_SNAPSHOT);
    String padding = "x".repeat(4000);

    // The watcher requests nothing more while 300 changes (over 1 MiB of events) commit.
    for (int i = 0; i < 300; i++) {
      client.blocking.createModel(
          CreateModelRequest.newBuilder()
              .setName(String.format("m%03d", i))
              .setDescription(padding)
              .build());
    }
    assertThat(received).isEmpty();

    call.get().request(Integer.MAX_VALUE);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      WatchModelsResponse event = received.poll(20, TimeUnit.SECONDS);
      assertThat(event).isNotNull();
      names.add(event.getModels(0).getName());
    }
    assertThat(names).isSorted().doesNotHaveDuplicates().hasSize(300);
    call.get().cancel("done", null);
  }

  @Test
  void watchModels_registryCloses_streamEndsUnavailable() throws Exception {
    RegistryClient.Watch watch = cleanup.register(client.watch(0));
    watch.next();

    registry.server.close();

    assertThat(Status.fromThrowable(watch.error()).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }
}
