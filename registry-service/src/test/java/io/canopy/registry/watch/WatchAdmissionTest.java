package io.canopy.registry.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.common.tls.ClientTls;
import io.canopy.proto.registry.v1.WatchModelsResponse;
import io.canopy.registry.RegistryClient;
import io.canopy.registry.RegistryServer;
import io.canopy.registry.TestConfigs;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * WatchModels streams are capped in total and per client address; a closed stream frees its slot.
 */
@ProcessSuite
class WatchAdmissionTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path dir;

  private RegistryClient client(int maxStreams, int perPeer) {
    RegistryServer server =
        cleanup.register(
            RegistryServer.start(
                TestConfigs.registry(
                    dir.resolve("data"),
                    Map.of(
                        "registry.watch.max-streams", String.valueOf(maxStreams),
                        "registry.watch.max-streams-per-peer", String.valueOf(perPeer)))));
    ManagedChannel channel =
        cleanup.register(
            GrpcTransports.channel("127.0.0.1:" + server.grpcPort(), 1 << 20, ClientTls.PLAINTEXT));
    return new RegistryClient(channel);
  }

  private List<RegistryClient.Watch> openAndAwaitSnapshots(RegistryClient client, int n)
      throws InterruptedException {
    List<RegistryClient.Watch> watches = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      RegistryClient.Watch watch = cleanup.register(client.watch(0));
      watch.next(); // admitted: the snapshot arrives
      watches.add(watch);
    }
    return watches;
  }

  private static StatusRuntimeException refusal(RegistryClient.Watch watch)
      throws InterruptedException {
    Throwable error = watch.error();
    assertThat(error).isInstanceOf(StatusRuntimeException.class);
    return (StatusRuntimeException) error;
  }

  /**
   * The slot comes back once the server has seen the client's cancellation, a moment after the
   * client sent it: tries again, a bounded number of times.
   */
  private boolean awaitAdmitted(RegistryClient client) throws InterruptedException {
    for (int attempt = 0; attempt < 500; attempt++) {
      RegistryClient.Watch watch = cleanup.register(client.watch(0));
      if (watch.firstOutcome() instanceof WatchModelsResponse) {
        return true;
      }
    }
    return false;
  }

  @Test
  void watch_overTotalCap_resourceExhaustedNamingTheKey_andAClosedStreamFreesItsSlot()
      throws Exception {
    RegistryClient client = client(3, 3);
    List<RegistryClient.Watch> open = openAndAwaitSnapshots(client, 3);

    StatusRuntimeException refused = refusal(client.watch(0));
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(refused.getStatus().getDescription()).contains("registry.watch.max-streams: 3");

    open.getFirst().close();

    assertThat(awaitAdmitted(client)).as("a watch is admitted after one was closed").isTrue();
  }

  @Test
  void watch_overPerPeerCap_resourceExhaustedNamingThePerPeerKey() throws Exception {
    RegistryClient client = client(10, 2);
    openAndAwaitSnapshots(client, 2);

    StatusRuntimeException refused = refusal(client.watch(0));
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(refused.getStatus().getDescription())
        .contains("registry.watch.max-streams-per-peer: 2");
  }

  @Test
  void watch_manyRefusedAttempts_leakNoSlots() throws Exception {
    RegistryClient client = client(4, 2);
    List<RegistryClient.Watch> open = openAndAwaitSnapshots(client, 2);
    for (int i = 0; i < 50; i++) {
      assertThat(refusal(client.watch(0)).getStatus().getCode())
          .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    }
    open.forEach(RegistryClient.Watch::close);

    assertThat(awaitAdmitted(client)).isTrue();
    openAndAwaitSnapshots(client, 1); // and a second one: both slots were freed
  }
}
