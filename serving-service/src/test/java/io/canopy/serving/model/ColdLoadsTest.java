package io.canopy.serving.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.error.CanopyException;
import io.canopy.proto.registry.v1.ModelVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ColdLoadsTest {

  private static final VersionKey KEY = new VersionKey("m", 1);
  private static final ModelVersion META = ModelVersion.newBuilder().setModel("m").build();

  private final List<VersionKey> demands = new ArrayList<>();
  private final List<VersionKey> loaded = new ArrayList<>();
  private final AtomicReference<Slot> slot = new AtomicReference<>();
  private ColdLoads coldLoads;

  private static RuntimeException noRoom(VersionKey key) {
    return new CanopyException.Unavailable(key + " no room");
  }

  @Test
  void aDemandThatSettlesAtOnce_stillCompletesItsWaiters() {
    // The manager may run the demand, and settle, before await returns.
    coldLoads =
        new ColdLoads(
            key -> {
              demands.add(key);
              coldLoads.settle(key, slot.get(), true, ColdLoadsTest::noRoom);
            },
            (key, nanos) -> loaded.add(key));
    slot.set(new Slot.Available(KEY, null));

    CompletableFuture<Void> f = coldLoads.await(KEY);

    assertThat(f).isCompleted();
    assertThat(loaded).containsExactly(KEY);
  }

  @Test
  void manyWaiters_oneDemand_keptWaitingWhileLoading_thenCompleted() {
    coldLoads = new ColdLoads(demands::add, (key, nanos) -> loaded.add(key));
    CompletableFuture<Void> a = coldLoads.await(KEY);
    CompletableFuture<Void> b = coldLoads.await(KEY);
    assertThat(demands).containsExactly(KEY);

    coldLoads.settle(KEY, new Slot.Loading(KEY, META, 0, "loading"), false, ColdLoadsTest::noRoom);
    coldLoads.settle(KEY, new Slot.Resting(KEY, META, "rests"), false, ColdLoadsTest::noRoom);
    assertThat(a).isNotDone();

    coldLoads.settle(KEY, new Slot.Available(KEY, null), false, ColdLoadsTest::noRoom);
    assertThat(a).isCompleted();
    assertThat(b).isCompleted();
    assertThat(coldLoads.waitingFor()).isEmpty();
  }

  @Test
  void noRoomAfterTheDemand_orARetryingLoad_failTheWaitersUnavailable() {
    coldLoads = new ColdLoads(demands::add, (key, nanos) -> loaded.add(key));
    CompletableFuture<Void> rests = coldLoads.await(KEY);
    coldLoads.settle(KEY, new Slot.Resting(KEY, META, "rests"), true, ColdLoadsTest::noRoom);
    assertThat(rests).isCompletedExceptionally();

    CompletableFuture<Void> retrying = coldLoads.await(KEY);
    coldLoads.settle(KEY, new Slot.Loading(KEY, META, 1, "retrying"), false, ColdLoadsTest::noRoom);
    assertThat(retrying).isCompletedExceptionally();
    assertThat(demands).hasSize(2);
    assertThat(loaded).isEmpty();
  }
}
