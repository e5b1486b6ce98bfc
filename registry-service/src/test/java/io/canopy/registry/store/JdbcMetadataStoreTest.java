package io.canopy.registry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.error.CanopyException;
import io.canopy.proto.registry.v1.ChangeKind;
import io.canopy.proto.registry.v1.InputBinding;
import io.canopy.proto.registry.v1.ModelFormat;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.VersionState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcMetadataStoreTest {

  private static final String SHA = "a".repeat(64);
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

  @TempDir Path dir;
  private final AtomicInteger commits = new AtomicInteger();
  private JdbcMetadataStore store;

  @BeforeEach
  void open() {
    store = JdbcMetadataStore.sqlite(dir.resolve("registry.db"), CLOCK, commits::incrementAndGet);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static ModelVersion upload(String model) {
    return ModelVersion.newBuilder()
        .setModel(model)
        .setSha256(SHA)
        .setSizeBytes(10)
        .setFormat(ModelFormat.MODEL_FORMAT_UBJ)
        .putLabels("run", "42")
        .setInputBinding(InputBinding.newBuilder().setFeatureView("v").addFeatures("x"))
        .build();
  }

  private static ModelVersion ready() {
    return ModelVersion.newBuilder()
        .setState(VersionState.VERSION_STATE_READY)
        .setObjective("binary:logistic")
        .setNumFeatures(1)
        .addFeatureNames("x")
        .setNumTrees(3)
        .build();
  }

  @Test
  void createVersion_perModel_numbersOneTwoThreeIndependently() {
    assertThat(store.createVersion(upload("a"), true, "me").getVersion()).isEqualTo(1);
    assertThat(store.createVersion(upload("a"), true, "me").getVersion()).isEqualTo(2);
    assertThat(store.createVersion(upload("b"), true, "me").getVersion()).isEqualTo(1);
    assertThat(store.createVersion(upload("a"), false, "me").getVersion()).isEqualTo(3);
  }

  @Test
  void createVersion_recordsValidatingWithUploadFields_andCompleteMakesItReady() {
    ModelVersion created = store.createVersion(upload("a"), true, "me");

    assertThat(created.getState()).isEqualTo(VersionState.VERSION_STATE_VALIDATING);
    assertThat(created.getLabelsMap()).containsEntry("run", "42");
    assertThat(created.getInputBinding().getFeaturesList()).containsExactly("x");
    assertThat(created.getCreateTime().getSeconds()).isEqualTo(CLOCK.instant().getEpochSecond());
    assertThat(store.findModel("a").orElseThrow().getLatestVersion()).isZero();

    ModelVersion done = store.completeValidation("a", 1, ready());

    assertThat(done.getState()).isEqualTo(VersionState.VERSION_STATE_READY);
    assertThat(done.getObjective()).isEqualTo("binary:logistic");
    assertThat(done.getFeatureNamesList()).containsExactly("x");
    assertThat(done.getLabelsMap()).containsEntry("run", "42");
    assertThat(store.findModel("a").orElseThrow().getLatestVersion()).isEqualTo(1);
    assertThatThrownBy(() -> store.completeValidation("a", 1, ready()))
        .isInstanceOf(CanopyException.FailedPrecondition.class);
  }

  @Test
  void createVersion_unknownModelWithoutCreate_notFoundAndNothingWritten() {
    assertThatThrownBy(() -> store.createVersion(upload("a"), false, "me"))
        .isInstanceOf(CanopyException.NotFound.class);
    assertThat(store.changesAfter(0, 10)).isEmpty();
  }

  @Test
  void createVersion_concurrentWriters_distinctNumbersAndGaplessRevisions() throws Exception {
    store.createModel("a", "", Map.of(), "me");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Long>> futures = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        Callable<Long> task = () -> store.createVersion(upload("a"), false, "me").getVersion();
        futures.add(pool.submit(task));
      }
      List<Long> numbers = new ArrayList<>();
      for (Future<Long> f : futures) {
        numbers.add(f.get());
      }
      assertThat(numbers).doesNotHaveDuplicates().hasSize(40).allMatch(n -> n >= 1 && n <= 40);
    } finally {
      pool.shutdownNow();
    }
    List<Change> log = store.changesAfter(0, 100);
    assertThat(log).extracting(Change::revision).containsExactlyElementsOf(range(1, 41));
  }

  private static List<Long> range(long from, long toInclusive) {
    List<Long> r = new ArrayList<>();
    for (long i = from; i <= toInclusive; i++) {
      r.add(i);
    }
    return r;
  }

  @Test
  void deleteModel_thenRecreate_oldVersionsGoneAndChangesLogged() {
    store.createVersion(upload("a"), true, "me");
    store.completeValidation("a", 1, ready());

    assertThat(store.deleteModel("a", "me")).containsExactly(SHA);

    assertThat(store.findModel("a")).isEmpty();
    assertThat(store.findVersion("a", 1)).isEmpty();
    assertThat(store.isArtifactReferenced(SHA)).isFalse();
    assertThat(store.changesAfter(0, 10))
        .extracting(Change::kind)
        .containsExactly(
            ChangeKind.CHANGE_KIND_MODEL_UPSERTED,
            ChangeKind.CHANGE_KIND_VERSION_UPSERTED,
            ChangeKind.CHANGE_KIND_VERSION_UPSERTED,
            ChangeKind.CHANGE_KIND_MODEL_DELETED);
  }

  @Test
  void deleteModel_whileValidating_refused() {
    store.createVersion(upload("a"), true, "me");

    assertThatThrownBy(() -> store.deleteModel("a", "me"))
        .isInstanceOf(CanopyException.FailedPrecondition.class);
  }

  @Test
  void canResumeAfter_withinTheLog_trueAndBeyondItFalse() {
    store.createModel("a", "", Map.of(), "me");
    store.createModel("b", "", Map.of(), "me");

    assertThat(store.canResumeAfter(0)).isTrue();
    assertThat(store.canResumeAfter(1)).isTrue();
    assertThat(store.canResumeAfter(2)).isTrue();
    assertThat(store.canResumeAfter(3)).isFalse();
    assertThat(store.snapshot().revision()).isEqualTo(2);
  }

  @Test
  void failUnfinishedValidations_afterRestart_marksValidatingFailed() {
    store.createVersion(upload("a"), true, "me");
    store.close();
    store = JdbcMetadataStore.sqlite(dir.resolve("registry.db"), CLOCK, commits::incrementAndGet);

    assertThat(store.failUnfinishedValidations("restarted")).isEqualTo(1);

    ModelVersion v = store.findVersion("a", 1).orElseThrow();
    assertThat(v.getState()).isEqualTo(VersionState.VERSION_STATE_FAILED);
    assertThat(v.getFailureReason()).isEqualTo("restarted");
    assertThat(store.createVersion(upload("a"), false, "me").getVersion()).isEqualTo(2);
  }

  @Test
  void writes_notifyAfterCommit_readsDoNot() {
    store.createModel("a", "", Map.of(), "me");
    int afterWrite = commits.get();
    store.findModel("a");
    store.listModels("", 10);
    store.snapshot();

    assertThat(afterWrite).isEqualTo(1);
    assertThat(commits.get()).isEqualTo(1);
  }

  @Test
  void auditEvents_filteredByModel_newestFirst() {
    store.createModel("a", "", Map.of(), "alice");
    store.createModel("b", "", Map.of(), "bob");
    store.createVersion(upload("a"), false, "alice");

    assertThat(store.listAuditEvents("a", Long.MAX_VALUE, 10))
        .extracting(e -> e.getAction() + " by " + e.getActor())
        .containsExactly("UploadVersion by alice", "CreateModel by alice");
    assertThat(store.listAuditEvents("", Long.MAX_VALUE, 10)).hasSize(3);
  }
}
