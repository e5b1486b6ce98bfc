package io.canopy.registry;

import static io.canopy.registry.Statuses.assertCode;
import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.registry.v1.ChangeKind;
import io.canopy.proto.registry.v1.CreateModelRequest;
import io.canopy.proto.registry.v1.GetModelRequest;
import io.canopy.proto.registry.v1.GetVersionRequest;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.SetAliasRequest;
import io.canopy.proto.registry.v1.VersionState;
import io.canopy.proto.registry.v1.WatchModelsResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real wiring ({@code RegistryServer.start}) on Netty and real ports, including a restart, per
 * backend.
 */
abstract class MainContract {

  private final Backend backend;

  MainContract(Backend backend) {
    this.backend = backend;
  }

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path dataDir;
  private TestBackend storage;

  @BeforeEach
  void storage() {
    storage = cleanup.register(TestBackend.create(backend));
  }

  private RegistryConfig config() {
    return TestConfigs.registry(dataDir, storage.overrides());
  }

  private RegistryClient connect(RegistryServer server) {
    ManagedChannel channel =
        cleanup.register(
            GrpcTransports.channel(
                "127.0.0.1:" + server.grpcPort(),
                GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES));
    return new RegistryClient(channel);
  }

  @Test
  void start_onPortZero_servesGrpcHealthAndAdminHealth() throws Exception {
    RegistryServer server = cleanup.register(RegistryServer.start(config()));
    RegistryClient client = connect(server);

    client.blocking.createModel(CreateModelRequest.newBuilder().setName("m").build());

    assertThat(server.grpcPort()).isPositive();
    HealthCheckResponse health =
        HealthGrpc.newBlockingStub(
                cleanup.register(GrpcTransports.channel("127.0.0.1:" + server.grpcPort(), 1 << 20)))
            .check(HealthCheckRequest.getDefaultInstance());
    assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    HttpResponse<String> admin =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.adminPort() + "/observe/health"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(admin.statusCode()).isEqualTo(200);
  }

  @Test
  void metrics_afterAnUploadAndAWatch_exposedInPrometheusText() throws Exception {
    RegistryServer server = cleanup.register(RegistryServer.start(config()));
    RegistryClient client = connect(server);
    client.upload("cancer", Fixtures.bytes(Fixtures.UBJ));
    RegistryClient.Watch watch = cleanup.register(client.watch(0));
    long revision = watch.next().getRevision();

    HttpResponse<String> metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.adminPort() + "/observe/metrics"))
                    .header("Accept", "text/plain")
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .containsPattern("canopy_registry_uploads_total\\{[^}]*outcome=\"ready\"[^}]*\\} [1-9]")
        .containsPattern("canopy_registry_revision\\{[^}]*\\} " + revision)
        .containsPattern("canopy_registry_watchers\\{[^}]*\\} [1-9]")
        .contains("canopy_registry_validation_seconds_bucket")
        .contains("canopy_registry_upload_bytes_total")
        .containsPattern(
            "canopy_registry_artifact_store_seconds_count\\{[^}]*operation=\"put\""
                + "[^}]*outcome=\"ok\"[^}]*\\} [1-9]");
  }

  @Test
  void restart_onTheSameDataDir_keepsModelsVersionsAliasesArtifactsAndRevisions() throws Exception {
    byte[] bytes = Fixtures.bytes(Fixtures.UBJ);
    long revisionBefore;
    try (RegistryServer first = RegistryServer.start(config())) {
      RegistryClient client = connect(first);
      client.upload("cancer", bytes);
      client.upload("cancer", Fixtures.bytes(Fixtures.TRUNCATED));
      client.blocking.setAlias(
          SetAliasRequest.newBuilder()
              .setModel("cancer")
              .setAlias("production")
              .setVersion(1)
              .build());
      try (RegistryClient.Watch watch = client.watch(0)) {
        revisionBefore = watch.next().getRevision();
      }
    }

    RegistryServer second = cleanup.register(RegistryServer.start(config()));
    RegistryClient client = connect(second);

    Model model =
        client.blocking.getModel(GetModelRequest.newBuilder().setName("cancer").build()).getModel();
    assertThat(model.getAliasesMap()).containsEntry("production", 1L);
    assertThat(model.getLatestVersion()).isEqualTo(1);
    ModelVersion failed =
        client
            .blocking
            .getVersion(GetVersionRequest.newBuilder().setModel("cancer").setVersion(2).build())
            .getVersion();
    assertThat(failed.getState()).isEqualTo(VersionState.VERSION_STATE_FAILED);
    assertThat(client.download("cancer", 1).bytes()).isEqualTo(bytes);
    assertThat(client.upload("cancer", bytes).getVersion()).isEqualTo(3);
    RegistryClient.Watch resumed = cleanup.register(client.watch(revisionBefore));
    WatchModelsResponse next = resumed.next();
    assertThat(next.getRevision()).isEqualTo(revisionBefore + 1);
    assertThat(next.getKind()).isEqualTo(ChangeKind.CHANGE_KIND_VERSION_UPSERTED);
    assertThat(next.getVersions(0).getVersion()).isEqualTo(3);
  }

  @Test
  void close_calledTwice_isHarmlessAndStopsServing() {
    RegistryServer server = RegistryServer.start(config());
    RegistryClient client = connect(server);

    server.close();
    server.close();

    assertCode(
        Status.Code.UNAVAILABLE,
        () -> client.blocking.getModel(GetModelRequest.newBuilder().setName("m").build()));
  }
}
