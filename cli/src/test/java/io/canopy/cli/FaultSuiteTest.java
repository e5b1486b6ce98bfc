package io.canopy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.canopy.cli.registry.ModelUploader;
import io.canopy.common.digest.Sha256;
import io.canopy.common.testing.Observers;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictResponse;
import io.canopy.proto.registry.v1.GetModelRequest;
import io.canopy.proto.registry.v1.ListVersionsRequest;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.UploadVersionRequest;
import io.canopy.proto.registry.v1.UploadVersionResponse;
import io.canopy.proto.registry.v1.VersionState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault suite (issue 7): each test breaks one part of a running topology of separate processes
 * ({@link FaultTopology}) under load, checks what the suite promises for that fault, restores the
 * part, and prints one summary line of counts ("FAULT …: sent, ok, failed, lost").
 */
@ProcessSuite
class FaultSuiteTest {

  private static final Duration PAUSE = Duration.ofMillis(5);
  private static final Duration BOUND = Duration.ofSeconds(90);

  /** The number: how long the registry stays down. */
  private static final Duration REGISTRY_OUTAGE = Duration.ofSeconds(30);

  private static final int FLIPS = 10;
  private static final int TIMED_CALLS = 100;

  @TempDir static Path dir;
  private static FaultTopology topology;
  private static final List<String> summary = new ArrayList<>();

  @BeforeAll
  static void startTopology() throws Exception {
    topology = FaultTopology.start(dir);
  }

  @AfterAll
  static void stopTopology() throws Exception {
    synchronized (summary) {
      System.out.println("fault suite summary (" + summary.size() + " faults):");
      summary.forEach(System.out::println);
    }
    if (topology != null) {
      topology.close();
    }
  }

  private static void report(String line) {
    synchronized (summary) {
      summary.add(line);
    }
  }

  /** Fault 1: kill -9 one of two replicas under load; the gateway retries; the replica returns. */
  @Test
  void servingReplicaKilledUnderLoad_noCallFails_andTheRestartedReplicaServesAgain()
      throws Exception {
    SteadyLoad load =
        SteadyLoad.start(topology.gatewayChannel(), topology::dense, 4, PAUSE, Set.of());
    SteadyLoad.Counts counts;
    long servedAfterRestart;
    try {
      load.awaitAnswered(300, BOUND);
      topology.killServing(1);
      load.awaitAnswered(300, BOUND); // replica 0 alone
      topology.restartServing(1);
      // A new process counts from zero: any OK call it reports was served after the restart.
      await("the restarted replica answers calls from the gateway", () -> okCalls(1) >= 50);
      servedAfterRestart = okCalls(1);
    } finally {
      counts = load.stop("serving replica killed (kill -9) under load, restarted");
    }
    report(counts.line() + "; the restarted replica answered " + servedAfterRestart);
    assertThat(load.unexpectedFailures()).isEmpty();
    assertThat(counts.failedOther()).isZero();
    assertThat(counts.lost()).isZero();
    assertThat(topology.allAlive()).isTrue();
  }

  /**
   * Fault 2: registry down 30 s; predictions go on (also from a replica restarted meanwhile, off
   * its cache); a change made after the registry returns arrives.
   */
  @Test
  void registryDown30s_predictionsContinue_andAChangeAfterItReturnsArrives() throws Exception {
    SteadyLoad load =
        SteadyLoad.start(topology.gatewayChannel(), topology::dense, 4, PAUSE, Set.of());
    SteadyLoad.Counts counts;
    long answeredWhileDown;
    long servedFromCache;
    Duration arrivedAfter;
    ModelVersion next;
    try {
      load.awaitAnswered(200, BOUND);
      topology.killRegistry();
      long downUntil = System.nanoTime() + REGISTRY_OUTAGE.toNanos();
      long before = load.ok();
      // Meanwhile a replica crashes and restarts: it serves from its cache, without the registry.
      topology.killServing(1);
      topology.restartServing(1);
      await("the restarted replica answers while the registry is down", () -> okCalls(1) >= 20);
      servedFromCache = okCalls(1);
      while (System.nanoTime() < downUntil) { // the rest of the outage: load runs meanwhile
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
      }
      answeredWhileDown = load.ok() - before;
      topology.restartRegistry();
      next = topology.upload(FaultTopology.MODEL, false);
      topology.awaitAvailable(FaultTopology.MODEL, next.getVersion());
      long moved = System.nanoTime();
      topology.setAlias(FaultTopology.MODEL, "production", next.getVersion());
      await(
          "the gateway answers from version " + next.getVersion(),
          () -> load.answers().stream().anyMatch(a -> a.version() == next.getVersion()));
      arrivedAfter = Duration.ofNanos(System.nanoTime() - moved);
      load.awaitAnswered(100, BOUND);
    } finally {
      counts =
          load.stop(
              "registry down "
                  + REGISTRY_OUTAGE.toSeconds()
                  + " s (kill -9) with a serving restart"
                  + " meanwhile, registry restarted");
    }
    report(
        counts.line()
            + "; answered while the registry was down "
            + answeredWhileDown
            + " (a replica restarted meanwhile answered "
            + servedFromCache
            + " from its cache)"
            + "; production moved to version "
            + next.getVersion()
            + " after the restart"
            + " answered through the gateway "
            + arrivedAfter.toMillis()
            + " ms later");
    assertThat(load.unexpectedFailures()).isEmpty();
    assertThat(counts.failedOther()).isZero();
    assertThat(counts.lost()).isZero();
    assertThat(answeredWhileDown).isPositive();
  }

  /** Fault 3: Redis down; entity calls fail fast and clearly, dense calls are untouched. */
  @Test
  void redisDown_entityCallsFailFastUnavailable_denseUnaffected_recoveryAutomatic()
      throws Exception {
    var replica = InferenceServiceGrpc.newBlockingStub(topology.servingChannel(0));
    var gateway = InferenceServiceGrpc.newBlockingStub(topology.gatewayChannel());
    SteadyLoad dense =
        SteadyLoad.start(topology.gatewayChannel(), topology::dense, 3, PAUSE, Set.of());
    SteadyLoad direct =
        SteadyLoad.start(
            topology.servingChannel(1),
            topology::entity,
            2,
            PAUSE,
            Set.of(Status.Code.UNAVAILABLE));
    SteadyLoad entity =
        SteadyLoad.start(
            topology.gatewayChannel(), topology::entity, 2, PAUSE, Set.of(Status.Code.UNAVAILABLE));
    SteadyLoad.Counts denseCounts;
    SteadyLoad.Counts entityCounts;
    SteadyLoad.Counts directCounts;
    Timing normal;
    Timing down;
    Status atReplica;
    Status atGateway;
    long denseDuringOutage;
    try {
      dense.awaitAnswered(200, BOUND);
      entity.awaitAnswered(100, BOUND);
      normal = timeCalls(replica, true); // under the same load as the failing calls below
      topology.redis().kill();
      long denseBefore = dense.ok();
      await("an entity call fails", () -> entityFails(replica));
      atReplica = entityFailure(replica);
      atGateway = entityFailure(gateway);
      down = timeCalls(replica, false);
      long failedBefore = entity.failedExpected();
      await(
          "entity calls through the gateway fail",
          () -> entity.failedExpected() >= failedBefore + 50);
      denseDuringOutage = dense.ok() - denseBefore;
      topology.redis().restart();
      await("an entity call succeeds again", () -> !entityFails(replica));
      entity.awaitAnswered(100, BOUND);
      dense.awaitAnswered(100, BOUND);
    } finally {
      denseCounts = dense.stop("redis down (kill -9): dense calls");
      entityCounts = entity.stop("redis down (kill -9): entity calls through the gateway");
      directCounts = direct.stop("redis down (kill -9): entity calls at a replica");
    }
    report(denseCounts.line() + "; answered during the outage " + denseDuringOutage);
    report(directCounts.line() + "; every failure UNAVAILABLE");
    report(
        entityCounts.line()
            + String.format(
                "; at the replica (medians of %d) a failing entity call took %.2f ms, %.2fx a"
                    + " normal entity call (%.2f ms) and %.2fx a dense call of the same moment"
                    + " (%.2f ms)",
                TIMED_CALLS,
                down.entity() / 1e6,
                down.entity() / (double) normal.entity(),
                normal.entity() / 1e6,
                down.entity() / (double) down.dense(),
                down.dense() / 1e6));
    // The message a client sees names what is down, at the replica and through the gateway.
    assertThat(atReplica.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(atReplica.getDescription()).contains("feature store");
    assertThat(atGateway.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(atGateway.getDescription()).contains("feature store");
    assertThat(denseCounts.failedOther() + denseCounts.failedExpected()).isZero();
    assertThat(denseDuringOutage).isPositive();
    assertThat(entity.unexpectedFailures()).as(topology.outputs()).isEmpty();
    assertThat(entityCounts.lost()).isZero();
    assertThat(entityCounts.failedExpected()).isPositive();
    assertThat(direct.unexpectedFailures()).isEmpty();
    assertThat(directCounts.lost()).isZero();
    assertThat(directCounts.failedExpected()).isPositive();
  }

  /**
   * Fault 4: the production alias flips between two versions while load runs through the gateway.
   */
  @Test
  void versionSwapsUnderLoad_noErrors_andEachAnswerFromALiveVersion() throws Exception {
    ModelVersion a = topology.upload(FaultTopology.MODEL, false);
    topology.setAlias(FaultTopology.MODEL, "production", a.getVersion());
    ModelVersion b = topology.upload(FaultTopology.MODEL, false); // "latest" keeps b loaded
    topology.awaitAvailable(FaultTopology.MODEL, a.getVersion());
    topology.awaitAvailable(FaultTopology.MODEL, b.getVersion());
    var probe = InferenceServiceGrpc.newBlockingStub(topology.gatewayChannel());
    await("the gateway serves version " + a.getVersion(), () -> servedBy(probe) == a.getVersion());

    List<Flip> flips = new ArrayList<>();
    flips.add(new Flip(Long.MIN_VALUE, System.nanoTime(), a.getVersion()));
    SteadyLoad load =
        SteadyLoad.start(topology.gatewayChannel(), topology::dense, 4, PAUSE, Set.of());
    SteadyLoad.Counts counts;
    try {
      load.awaitAnswered(200, BOUND);
      for (int i = 1; i <= FLIPS; i++) {
        long target = (i % 2 == 1 ? b : a).getVersion();
        long set = System.nanoTime();
        topology.setAlias(FaultTopology.MODEL, "production", target);
        await("the gateway serves version " + target, () -> servedBy(probe) == target);
        flips.add(new Flip(set, System.nanoTime(), target));
        load.awaitAnswered(50, BOUND);
      }
    } finally {
      counts = load.stop("production alias flipped " + FLIPS + " times under load");
    }
    List<SteadyLoad.Answer> answers = load.answers();
    long outside =
        answers.stream().filter(x -> !liveDuring(flips, x).contains(x.version())).count();
    report(counts.line() + "; answers from a version not live then " + outside);
    assertThat(load.unexpectedFailures()).isEmpty();
    assertThat(counts.failedOther()).isZero();
    assertThat(counts.lost()).isZero();
    assertThat(outside).isZero();
    assertThat(answers.stream().map(SteadyLoad.Answer::version).distinct())
        .containsExactlyInAnyOrder(a.getVersion(), b.getVersion());
  }

  /** Fault 5: the registry killed mid-upload keeps no half version; the client's retry succeeds. */
  @Test
  void registryKilledMidUpload_leavesNoHalfVersion_andTheRetrySucceeds() throws Exception {
    String model = "faults_upload";
    // JSON with a trailing newline: valid, and bytes no other version has, so the artifact check
    // below cannot be satisfied by another model's file.
    byte[] bytes =
        (new String(Fixtures.bytes("breast_cancer_binary.json"), StandardCharsets.UTF_8) + "\n")
            .getBytes(StandardCharsets.UTF_8);
    String sha = Sha256.hex(bytes);
    Path staging = topology.registryDataDir().resolve("tmp");
    Path artifact = artifactPath(sha);

    CompletableFuture<UploadVersionResponse> interrupted = new CompletableFuture<>();
    StreamObserver<UploadVersionRequest> upload =
        ModelRegistryServiceGrpc.newStub(topology.registryChannel())
            .withDeadlineAfter(60, TimeUnit.SECONDS)
            .uploadVersion(Observers.completing(interrupted));
    upload.onNext(
        UploadVersionRequest.newBuilder().setHeader(topology.header(model, true)).build());
    int chunk = 4096;
    int half = bytes.length / 2;
    for (int off = 0; off < half; off += chunk) {
      upload.onNext(
          UploadVersionRequest.newBuilder()
              .setChunk(ByteString.copyFrom(bytes, off, Math.min(chunk, half - off)))
              .build());
    }
    await("the registry staged part of the upload", () -> stagedBytes(staging) > 0);
    long staged = stagedBytes(staging);
    topology.killRegistry();
    Status seen = Status.fromThrowable(catching(interrupted));
    topology.restartRegistry();

    var registry =
        ModelRegistryServiceGrpc.newBlockingStub(topology.registryChannel())
            .withDeadlineAfter(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> registry.getModel(GetModelRequest.newBuilder().setName(model).build()))
        .satisfies(
            e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND));
    assertThat(stagedBytes(staging)).isZero();
    assertThat(artifact).doesNotExist();

    ModelVersion retried =
        new ModelUploader(topology.registryChannel())
            .upload(topology.header(model, true), new ByteArrayInputStream(bytes), 120, s -> {});
    List<ModelVersion> versions =
        ModelRegistryServiceGrpc.newBlockingStub(topology.registryChannel())
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .listVersions(ListVersionsRequest.newBuilder().setModel(model).build())
            .getVersionsList();
    report(
        new SteadyLoad.Counts("registry killed (kill -9) mid-upload, client retried", 2, 1, 1, 0)
                .line()
            + "; the interrupted upload had "
            + staged
            + " of "
            + bytes.length
            + " bytes staged and ended "
            + seen.getCode()
            + "; after the restart: versions "
            + versions.size()
            + ", the retry got version "
            + retried.getVersion()
            + " "
            + retried.getState());
    assertThat(seen.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(retried.getState()).isEqualTo(VersionState.VERSION_STATE_READY);
    assertThat(retried.getVersion()).isEqualTo(1);
    assertThat(retried.getSha256()).isEqualTo(sha);
    assertThat(versions).extracting(ModelVersion::getVersion).containsExactly(1L);
    assertThat(artifact).exists();
  }

  /**
   * Fault 5b: the registry killed while a completed upload is VALIDATING: after the restart that
   * version is FAILED with the reason and has no artifact; the client's retry gets the next
   * version, READY.
   */
  @Test
  void registryKilledDuringValidation_leavesACleanFailedVersion_andTheRetrySucceeds()
      throws Exception {
    String model = "faults_validation";
    // Bytes no other version has (see above), different from the mid-upload test's too.
    byte[] bytes =
        (new String(Fixtures.bytes("breast_cancer_binary.json"), StandardCharsets.UTF_8) + "\n\n")
            .getBytes(StandardCharsets.UTF_8);
    Path artifact = artifactPath(Sha256.hex(bytes));
    // A fresh registry starts its validation child on first use, which leaves a window to kill in.
    topology.killRegistry();
    topology.restartRegistry();
    CompletableFuture<UploadVersionResponse> interrupted = new CompletableFuture<>();
    StreamObserver<UploadVersionRequest> upload =
        ModelRegistryServiceGrpc.newStub(topology.registryChannel())
            .withDeadlineAfter(60, TimeUnit.SECONDS)
            .uploadVersion(Observers.completing(interrupted));
    upload.onNext(
        UploadVersionRequest.newBuilder().setHeader(topology.header(model, true)).build());
    upload.onNext(UploadVersionRequest.newBuilder().setChunk(ByteString.copyFrom(bytes)).build());
    upload.onCompleted();
    var reads = ModelRegistryServiceGrpc.newBlockingStub(topology.registryChannel());
    VersionState caught = VersionState.VERSION_STATE_UNSPECIFIED;
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (caught == VersionState.VERSION_STATE_UNSPECIFIED && System.nanoTime() < deadline) {
      try {
        List<ModelVersion> seen =
            reads
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .listVersions(ListVersionsRequest.newBuilder().setModel(model).build())
                .getVersionsList();
        if (!seen.isEmpty()) {
          caught = seen.getFirst().getState();
        }
      } catch (StatusRuntimeException e) {
        // NOT_FOUND until the version row exists
      }
      if (caught == VersionState.VERSION_STATE_VALIDATING) {
        topology.killRegistry();
      }
    }
    assertThat(caught)
        .as("state of the upload when the registry was killed")
        .isEqualTo(VersionState.VERSION_STATE_VALIDATING);
    Status seen = Status.fromThrowable(catching(interrupted));
    topology.restartRegistry();

    ModelVersion left = onlyVersion(model);
    assertThat(left.getState()).isEqualTo(VersionState.VERSION_STATE_FAILED);
    assertThat(left.getFailureReason()).contains("restarted");
    assertThat(artifact).doesNotExist();
    assertThat(stagedBytes(topology.registryDataDir().resolve("tmp"))).isZero();

    ModelVersion retried =
        new ModelUploader(topology.registryChannel())
            .upload(topology.header(model, false), new ByteArrayInputStream(bytes), 120, s -> {});
    report(
        new SteadyLoad.Counts(
                    "registry killed (kill -9) during validation, client retried", 2, 1, 1, 0)
                .line()
            + "; the interrupted upload ended "
            + seen.getCode()
            + "; after the restart version "
            + left.getVersion()
            + " is "
            + left.getState()
            + " (\""
            + left.getFailureReason()
            + "\"), the retry got version "
            + retried.getVersion()
            + " "
            + retried.getState());
    assertThat(seen.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(retried.getState()).isEqualTo(VersionState.VERSION_STATE_READY);
    assertThat(retried.getVersion()).isEqualTo(left.getVersion() + 1);
    assertThat(artifact).exists();
  }

  // ---- helpers

  private static Path artifactPath(String sha) {
    return topology
        .registryDataDir()
        .resolve("artifacts/sha256")
        .resolve(sha.substring(0, 2))
        .resolve(sha);
  }

  private static ModelVersion onlyVersion(String model) {
    List<ModelVersion> versions =
        ModelRegistryServiceGrpc.newBlockingStub(topology.registryChannel())
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .listVersions(ListVersionsRequest.newBuilder().setModel(model).build())
            .getVersionsList();
    assertThat(versions).hasSize(1);
    return versions.getFirst();
  }

  /**
   * Alias target {@code version} set at {@code set}, seen through the gateway at {@code confirmed}.
   */
  private record Flip(long set, long confirmed, long version) {}

  /** Versions that may have answered at some instant of the call: each until the next is seen. */
  private static List<Long> liveDuring(List<Flip> flips, SteadyLoad.Answer call) {
    List<Long> live = new ArrayList<>();
    for (int i = 0; i < flips.size(); i++) {
      long from = flips.get(i).set();
      long until = i + 1 < flips.size() ? flips.get(i + 1).confirmed() : Long.MAX_VALUE;
      if (from <= call.end() && call.start() <= until) {
        live.add(flips.get(i).version());
      }
    }
    return live;
  }

  private static long servedBy(InferenceServiceGrpc.InferenceServiceBlockingStub gateway) {
    PredictResponse r =
        gateway.withDeadlineAfter(10, TimeUnit.SECONDS).predict(topology.dense(0).request());
    return r.getVersion();
  }

  private static long okCalls(int replica) {
    try {
      return topology.servingOkCalls(replica);
    } catch (java.io.IOException e) {
      return 0; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static boolean entityFails(InferenceServiceGrpc.InferenceServiceBlockingStub front) {
    return entityFailure(front) != null;
  }

  /** The status of one entity call at a replica or the gateway, or null when it succeeded. */
  private static Status entityFailure(InferenceServiceGrpc.InferenceServiceBlockingStub front) {
    try {
      front.withDeadlineAfter(10, TimeUnit.SECONDS).predict(topology.entity(1).request());
      return null;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  /** Medians (ns) of entity calls and of dense calls timed side by side at one replica. */
  private record Timing(long entity, long dense) {}

  /**
   * Times {@link #TIMED_CALLS} entity calls at a replica, each followed by a dense call as the
   * floor of the same moment (after as many untimed pairs). Each entity call must succeed ({@code
   * succeed}) or fail with UNAVAILABLE; every dense call must succeed.
   */
  private static Timing timeCalls(
      InferenceServiceGrpc.InferenceServiceBlockingStub replica, boolean succeed) {
    long[] entity = new long[TIMED_CALLS];
    long[] dense = new long[TIMED_CALLS];
    for (int i = -TIMED_CALLS; i < TIMED_CALLS; i++) {
      long start = System.nanoTime();
      Status failure = entityFailure(replica);
      long middle = System.nanoTime();
      replica
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .predict(topology.dense(i + TIMED_CALLS).request());
      long end = System.nanoTime();
      if (succeed) {
        assertThat(failure).as("entity call with redis up").isNull();
      } else {
        assertThat(failure).as("entity call with redis down").isNotNull();
        assertThat(failure.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      }
      if (i >= 0) {
        entity[i] = middle - start;
        dense[i] = end - middle;
      }
    }
    return new Timing(median(entity), median(dense));
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static long stagedBytes(Path staging) throws java.io.IOException {
    if (!Files.isDirectory(staging)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(staging)) {
      long total = 0;
      for (Path p : files.toList()) {
        total += Files.size(p);
      }
      return total;
    }
  }

  private static Throwable catching(CompletableFuture<?> call) throws InterruptedException {
    try {
      call.get(30, TimeUnit.SECONDS);
      throw new AssertionError("the interrupted upload got an answer");
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the interrupted upload did not end", e);
    }
  }

  private static void await(String what, CheckedCondition condition) throws Exception {
    long deadline = System.nanoTime() + BOUND.toNanos();
    Throwable last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (condition.met()) {
          return;
        }
      } catch (StatusRuntimeException e) {
        last = e;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    throw new AssertionError(what + ": not within " + BOUND + "\n" + topology.outputs(), last);
  }

  /** A condition that may throw while the topology recovers. */
  @FunctionalInterface
  private interface CheckedCondition {
    boolean met() throws Exception;
  }
}
