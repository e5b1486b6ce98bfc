package io.canopy.registry;

import static io.canopy.registry.Statuses.assertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.canopy.common.testing.Await;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.proto.registry.v1.GetVersionRequest;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.VersionState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The registry with artifacts on S3 when the S3 server dies: an upload caught midway fails
 * retryably (UNAVAILABLE) leaving no object, no READY version and no staged file, and succeeds once
 * the server is back; a download fails retryably whether the server is gone before it starts or
 * dies mid-stream; readiness follows the server. The registry reaches S3Proxy through a relay that
 * holds a transfer at a known byte, so the server dies exactly mid-transfer.
 */
@ProcessSuite
class S3FaultTest {

  private static final String PREFIX = "faults/";

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path dir;
  private S3TestServer s3;
  private CuttingRelay relay;
  private String bucket;
  private InProcessRegistry registry;
  private RegistryClient client;

  @BeforeEach
  void start() throws Exception {
    s3 = cleanup.register(S3TestServer.start(Files.createDirectories(dir.resolve("s3"))));
    relay = cleanup.register(CuttingRelay.to(s3.port()));
    bucket = s3.createBucket();
    registry =
        cleanup.register(
            InProcessRegistry.start(
                Files.createDirectories(dir.resolve("registry")),
                S3TestServer.registryOverrides(relay.endpoint(), bucket, PREFIX)));
    client = registry.client;
  }

  private int health() throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + registry.server.adminPort() + "/observe/health"))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private boolean ready() {
    try {
      return health() == 200;
    } catch (Exception e) {
      return false;
    }
  }

  private ModelVersion version(String model, long version) {
    return client
        .blocking
        .getVersion(GetVersionRequest.newBuilder().setModel(model).setVersion(version).build())
        .getVersion();
  }

  @Test
  void uploadVersion_s3KilledMidUpload_unavailableNothingKeptThenTheSameUploadSucceeds()
      throws Exception {
    byte[] bytes = Fixtures.paddedJson(2_600_000);
    CuttingRelay.Hold hold = relay.holdAfter(CuttingRelay.Direction.REQUEST, 1 << 20);
    CompletableFuture<ModelVersion> upload =
        CompletableFuture.supplyAsync(() -> client.upload("churn", bytes));
    hold.awaitReached(Duration.ofSeconds(60));
    s3.kill();
    hold.cut();

    ExecutionException failed =
        catchThrowableOfType(ExecutionException.class, () -> upload.get(60, TimeUnit.SECONDS));
    assertThat(failed.getCause()).isInstanceOf(StatusRuntimeException.class);
    assertThat(((StatusRuntimeException) failed.getCause()).getStatus().getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
    ModelVersion spent = version("churn", 1);
    assertThat(spent.getState()).isEqualTo(VersionState.VERSION_STATE_FAILED);
    assertThat(spent.getFailureReason()).contains("artifact store");
    assertThat(registry.stagingFiles()).isZero();
    assertThat(health()).as("not ready while S3 is down").isEqualTo(503);

    s3.restart();
    assertThat(s3.objects(bucket)).as("nothing half-written").isEmpty();
    Await.until("ready once S3 answers", Duration.ofSeconds(30), this::ready);

    ModelVersion retried = client.upload("churn", bytes);
    assertThat(retried.getState()).isEqualTo(VersionState.VERSION_STATE_READY);
    assertThat(retried.getVersion()).isEqualTo(2);
    assertThat(s3.objects(bucket)).hasSize(1);
    assertThat(RegistryClient.sameBytes(client.download("churn", 2).bytes(), bytes)).isTrue();
    assertThat(registry.stagingFiles()).isZero();
  }

  @Test
  void downloadVersion_s3Down_unavailable() {
    client.upload("churn", Fixtures.bytes(Fixtures.UBJ));
    s3.kill();

    assertCode(Status.Code.UNAVAILABLE, () -> client.download("churn", 1));
  }

  @Test
  void downloadVersion_s3KilledMidStream_unavailable() throws Exception {
    byte[] bytes = Fixtures.paddedJson(2_600_000);
    client.upload("churn", bytes);
    // A download reads the object twice (the digest check, then the bytes sent): hold the second
    // read 1 MiB in.
    CuttingRelay.Hold hold =
        relay.holdAfter(CuttingRelay.Direction.RESPONSE, bytes.length + (1L << 20));
    CompletableFuture<RegistryClient.Download> download =
        CompletableFuture.supplyAsync(() -> client.download("churn", 1));
    hold.awaitReached(Duration.ofSeconds(60));
    s3.kill();
    hold.cut();

    ExecutionException failed =
        catchThrowableOfType(ExecutionException.class, () -> download.get(60, TimeUnit.SECONDS));
    assertThat(((StatusRuntimeException) failed.getCause()).getStatus().getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void downloadVersion_objectAlteredInTheBucket_dataLossNotTheAlteredBytes() {
    byte[] bytes = Fixtures.bytes(Fixtures.UBJ);
    ModelVersion v = client.upload("churn", bytes);
    byte[] altered = bytes.clone();
    altered[altered.length / 2] ^= 1;
    String key = PREFIX + "sha256/" + v.getSha256().substring(0, 2) + "/" + v.getSha256();
    s3.client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(altered));

    assertCode(Status.Code.DATA_LOSS, () -> client.download("churn", 1));
  }
}
