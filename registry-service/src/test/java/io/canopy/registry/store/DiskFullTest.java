package io.canopy.registry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.Await;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.common.testing.Tools;
import io.canopy.common.tls.ClientTls;
import io.canopy.proto.registry.v1.ArchiveVersionRequest;
import io.canopy.proto.registry.v1.CreateModelRequest;
import io.canopy.proto.registry.v1.DeleteAliasRequest;
import io.canopy.proto.registry.v1.DeleteModelRequest;
import io.canopy.proto.registry.v1.GetModelRequest;
import io.canopy.proto.registry.v1.GetVersionRequest;
import io.canopy.proto.registry.v1.ListModelsRequest;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.SetAliasRequest;
import io.canopy.proto.registry.v1.SetTrafficPolicyRequest;
import io.canopy.proto.registry.v1.TrafficPolicy;
import io.canopy.proto.registry.v1.TrafficSplit;
import io.canopy.proto.registry.v1.VersionState;
import io.canopy.registry.Fixtures;
import io.canopy.registry.RegistryClient;
import io.canopy.registry.RegistryServer;
import io.canopy.registry.TestConfigs;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry's data directory on a small file system that the test mounts (tmpfs) and fills:
 * every mutation is all or nothing and says which (OK and applied, or RESOURCE_EXHAUSTED and
 * nothing applied), readiness turns 503, and once space returns the registry is ready again and the
 * same writes succeed without a restart.
 */
@ProcessSuite
class DiskFullTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path dir;
  private Path mount;

  @BeforeEach
  void mountSmallFileSystem() throws Exception {
    mount = Files.createDirectories(dir.resolve("small"));
    boolean mounted = run("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mount.toString()) == 0;
    Tools.require(mounted, "cannot mount a tmpfs here (needs root and mount permission)");
  }

  @AfterEach
  void unmount() throws Exception {
    if (mount != null) {
      cleanup.afterEach(null); // servers off before the file system goes
      run("umount", "-l", mount.toString());
    }
  }

  private static int run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor();
  }

  private static int health(RegistryServer server) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.adminPort() + "/observe/health"))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** Writes until the file system refuses: nothing left for anyone. */
  private static List<Path> fill(Path mount) throws IOException {
    Path filler = mount.resolve("filler");
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      assertThat(full.getMessage()).contains("No space left");
    }
    // Also the last few bytes a 64 KiB block did not fit.
    try (OutputStream out = Files.newOutputStream(mount.resolve("filler-tail"))) {
      while (true) {
        out.write(0);
        out.flush();
      }
    } catch (IOException full) {
      // full to the byte
    }
    return List.of(filler, mount.resolve("filler-tail"));
  }

  /** One mutation and how to tell whether it was applied. */
  private record Write(String name, Runnable call, Supplier<Boolean> applied) {}

  @Test
  void fullDisk_everyMutationAllOrNothing_notReady_thenRecoversWithoutRestart() throws Exception {
    RegistryServer server =
        cleanup.register(
            RegistryServer.start(TestConfigs.registry(mount.resolve("data"), Map.of())));
    ManagedChannel channel =
        cleanup.register(
            GrpcTransports.channel("127.0.0.1:" + server.grpcPort(), 1 << 20, ClientTls.PLAINTEXT));
    RegistryClient client = new RegistryClient(channel);
    var stub = client.blocking;
    this.stub = stub;
    ModelVersion v1 = client.upload("churn", Fixtures.bytes(Fixtures.UBJ));
    assertThat(v1.getState()).isEqualTo(VersionState.VERSION_STATE_READY);
    ModelVersion v2 = client.upload("churn", Fixtures.bytes(Fixtures.UBJ));
    ModelVersion v3 = client.upload("churn", Fixtures.bytes(Fixtures.UBJ));
    stub.setAlias(
        SetAliasRequest.newBuilder()
            .setModel("churn")
            .setAlias("production")
            .setVersion(1)
            .build());
    stub.createModel(CreateModelRequest.newBuilder().setName("doomed").build());
    assertThat(health(server)).isEqualTo(200);

    List<Path> filler = fill(mount);

    List<Write> writes =
        List.of(
            new Write(
                "CreateModel",
                () -> stub.createModel(CreateModelRequest.newBuilder().setName("fresh").build()),
                () -> models().contains("fresh")),
            new Write(
                "SetAlias",
                () ->
                    stub.setAlias(
                        SetAliasRequest.newBuilder()
                            .setModel("churn")
                            .setAlias("production")
                            .setVersion(2)
                            .build()),
                () -> model("churn").getAliasesMap().get("production") == 2L),
            new Write(
                "SetAlias (new alias)",
                () ->
                    stub.setAlias(
                        SetAliasRequest.newBuilder()
                            .setModel("churn")
                            .setAlias("canary")
                            .setVersion(2)
                            .build()),
                () -> model("churn").getAliasesMap().containsKey("canary")),
            new Write(
                "SetTrafficPolicy",
                () ->
                    stub.setTrafficPolicy(
                        SetTrafficPolicyRequest.newBuilder()
                            .setModel("churn")
                            .setPolicy(
                                TrafficPolicy.newBuilder()
                                    .addSplits(
                                        TrafficSplit.newBuilder().setVersion(1).setPercent(90))
                                    .addSplits(
                                        TrafficSplit.newBuilder().setVersion(2).setPercent(10)))
                            .build()),
                () -> model("churn").hasTrafficPolicy()),
            new Write(
                "ArchiveVersion",
                () ->
                    stub.archiveVersion(
                        ArchiveVersionRequest.newBuilder()
                            .setModel("churn")
                            .setVersion(v3.getVersion())
                            .build()),
                () ->
                    version("churn", v3.getVersion()).getState()
                        == VersionState.VERSION_STATE_ARCHIVED),
            new Write(
                "DeleteModel",
                () -> stub.deleteModel(DeleteModelRequest.newBuilder().setName("doomed").build()),
                () -> !models().contains("doomed")),
            new Write(
                "DeleteAlias",
                () ->
                    stub.deleteAlias(
                        DeleteAliasRequest.newBuilder()
                            .setModel("churn")
                            .setAlias("production")
                            .build()),
                () -> !model("churn").getAliasesMap().containsKey("production")),
            new Write(
                "UploadVersion",
                () -> client.upload("churn", Fixtures.bytes(Fixtures.UBJ)),
                () -> versionExists("churn", v3.getVersion() + 1)));

    List<Write> refused = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    for (Write w : writes) {
      StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, w.call()::run);
      Status.Code code = e == null ? Status.Code.OK : e.getStatus().getCode();
      boolean applied = w.applied().get();
      if (code == Status.Code.OK && !applied) {
        wrong.add(w.name() + ": OK but not applied");
      } else if (code == Status.Code.RESOURCE_EXHAUSTED) {
        refused.add(w);
        if (applied) {
          wrong.add(w.name() + ": RESOURCE_EXHAUSTED but applied");
        }
        assertThat(e.getStatus().getDescription()).contains("full").doesNotContain("SQL");
      } else if (code != Status.Code.OK) {
        wrong.add(w.name() + ": " + code + " " + e.getStatus().getDescription());
      }
    }
    System.out.printf(
        "disk full: %d of %d writes refused (%s), the rest applied whole%n",
        refused.size(), writes.size(), refused.stream().map(Write::name).toList());
    assertThat(wrong).isEmpty();
    assertThat(refused).extracting(Write::name).contains("UploadVersion");
    assertThat(refused).as("some metadata writes need space").hasSizeGreaterThan(1);
    assertThat(health(server)).as("not ready while the store cannot write").isEqualTo(503);
    // Reads still work.
    assertThat(models()).contains("churn");

    for (Path p : filler) {
      Files.delete(p);
    }
    Await.until(
        "ready again once space returns",
        Duration.ofSeconds(30),
        () -> {
          try {
            return health(server) == 200;
          } catch (Exception e) {
            return false;
          }
        });
    for (Write w : refused) {
      StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, w.call()::run);
      assertThat(e).as(w.name() + " after space returned").isNull();
      assertThat(w.applied().get()).as(w.name() + " after space returned").isTrue();
    }
  }

  private Model model(String name) {
    return stub().getModel(GetModelRequest.newBuilder().setName(name).build()).getModel();
  }

  private ModelVersion version(String model, long version) {
    return stub()
        .getVersion(GetVersionRequest.newBuilder().setModel(model).setVersion(version).build())
        .getVersion();
  }

  private boolean versionExists(String model, long version) {
    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> version(model, version));
    return e == null;
  }

  private List<String> models() {
    return stub()
        .listModels(ListModelsRequest.newBuilder().setPageSize(100).build())
        .getModelsList()
        .stream()
        .map(Model::getName)
        .toList();
  }

  private io.canopy.proto.registry.v1.ModelRegistryServiceGrpc.ModelRegistryServiceBlockingStub
      stub;

  private io.canopy.proto.registry.v1.ModelRegistryServiceGrpc.ModelRegistryServiceBlockingStub
      stub() {
    return stub;
  }
}
