package io.canopy.common.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.retry.Backoff;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.registry.v1.ChangeKind;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.WatchModelsRequest;
import io.canopy.proto.registry.v1.WatchModelsResponse;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RegistryFollowerTest {

  @RegisterExtension final GrpcCleanup grpc = new GrpcCleanup();

  private final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor();

  /** Each WatchModels call the fake registry received, as its stream and since_revision. */
  private final BlockingQueue<Watch> watches = new LinkedBlockingQueue<>();

  private record Watch(long since, StreamObserver<WatchModelsResponse> stream) {}

  @AfterEach
  void stop() {
    control.shutdownNow();
  }

  @Test
  void follow_streamBreaks_reconnectsAfterTheLastRevisionApplied() throws Exception {
    AtomicLong applied = new AtomicLong(7);
    List<Long> seen = new CopyOnWriteArrayList<>();
    RegistryFollower follower =
        follower(
            applied,
            event -> {
              seen.add(event.getRevision());
              applied.set(event.getRevision());
            });

    Watch first = next();
    assertThat(first.since()).isEqualTo(7);
    first.stream().onNext(event(8));
    first.stream().onNext(event(9));
    first.stream().onError(Status.UNAVAILABLE.asRuntimeException());

    Watch second = next();
    assertThat(second.since()).isEqualTo(9);
    assertThat(seen).containsExactly(8L, 9L);
    second.stream().onCompleted();

    assertThat(next().since()).isEqualTo(9);
    follower.close();
  }

  @Test
  void close_stopsReconnecting() throws Exception {
    RegistryFollower follower = follower(new AtomicLong(), event -> {});
    Watch first = next();
    follower.close();
    first.stream().onError(Status.UNAVAILABLE.asRuntimeException());

    assertThat(watches.poll(300, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void events_areAppliedOnTheControlThreadInOrder() throws Exception {
    List<String> threads = new CopyOnWriteArrayList<>();
    List<Long> seen = new CopyOnWriteArrayList<>();
    Thread controlThread = control.submit(Thread::currentThread).get();
    follower(
        new AtomicLong(),
        event -> {
          threads.add(Thread.currentThread() == controlThread ? "control" : "other");
          seen.add(event.getRevision());
        });
    Watch first = next();
    for (long r = 1; r <= 50; r++) {
      first.stream().onNext(event(r));
    }
    control.submit(() -> {}).get(); // runs after every event posted before it

    assertThat(seen).hasSize(50).isSorted();
    assertThat(threads).containsOnly("control");
  }

  private RegistryFollower follower(
      AtomicLong applied, java.util.function.Consumer<WatchModelsResponse> onEvent)
      throws Exception {
    String name = InProcessServerBuilder.generateName();
    grpc.register(
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                new ModelRegistryServiceGrpc.ModelRegistryServiceImplBase() {
                  @Override
                  public void watchModels(
                      WatchModelsRequest request, StreamObserver<WatchModelsResponse> stream) {
                    watches.add(new Watch(request.getSinceRevision(), stream));
                  }
                })
            .build()
            .start());
    var channel = grpc.register(InProcessChannelBuilder.forName(name).directExecutor().build());
    Backoff fast = Backoff.jittered(Duration.ofMillis(1), Duration.ofMillis(5));
    return grpc.register(
        new RegistryFollower(
                "test",
                ModelRegistryServiceGrpc.newStub(channel),
                control,
                fast,
                applied::get,
                onEvent)
            .start());
  }

  private Watch next() throws InterruptedException {
    Watch w = watches.poll(10, TimeUnit.SECONDS);
    assertThat(w).as("a WatchModels call within 10 s").isNotNull();
    return w;
  }

  private static WatchModelsResponse event(long revision) {
    return WatchModelsResponse.newBuilder()
        .setKind(ChangeKind.CHANGE_KIND_MODEL_UPSERTED)
        .setRevision(revision)
        .build();
  }
}
