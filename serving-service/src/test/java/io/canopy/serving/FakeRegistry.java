package io.canopy.serving;

import com.google.protobuf.ByteString;
import io.canopy.common.digest.Sha256;
import io.canopy.proto.registry.v1.ChangeKind;
import io.canopy.proto.registry.v1.DownloadVersionRequest;
import io.canopy.proto.registry.v1.DownloadVersionResponse;
import io.canopy.proto.registry.v1.InputBinding;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelFormat;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.VersionState;
import io.canopy.proto.registry.v1.WatchModelsRequest;
import io.canopy.proto.registry.v1.WatchModelsResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory registry for tests: WatchModels (a snapshot, or the changes after a known revision,
 * then live changes) and DownloadVersion. Tests mutate it and the changes stream out.
 */
public final class FakeRegistry extends ModelRegistryServiceGrpc.ModelRegistryServiceImplBase {

  public static final List<String> BREAST_CANCER_FEATURES = breastCancerFeatures();

  private final Map<String, Model> models = new LinkedHashMap<>();
  private final Map<String, ModelVersion> versions = new LinkedHashMap<>();
  private final Map<String, byte[]> artifacts = new HashMap<>();
  private final Map<String, CountDownLatch> downloadGates = new HashMap<>();
  private final List<WatchModelsResponse> log = new ArrayList<>();
  private final List<StreamObserver<WatchModelsResponse>> watchers = new ArrayList<>();
  private final List<Long> watchRequests = new CopyOnWriteArrayList<>();
  private final AtomicInteger downloads = new AtomicInteger();
  private final AtomicInteger failingDownloads = new AtomicInteger();
  private long revision;

  private static List<String> breastCancerFeatures() {
    return featureNames(30);
  }

  /** f0, f1, ... f(n-1). */
  static List<String> featureNames(int n) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      names.add("f" + i);
    }
    return List.copyOf(names);
  }

  /** Adds a READY version of the breast-cancer model from a fixture (creating the model). */
  public synchronized ModelVersion addBreastCancer(String model, long version, String fixture) {
    return addVersion(
        model,
        version,
        Fixtures.bytes(fixture),
        30,
        BREAST_CANCER_FEATURES,
        null,
        "binary:logistic");
  }

  /** Adds a READY version of the diabetes regression model (10 features, reg:squarederror). */
  public synchronized ModelVersion addDiabetes(String model, long version) {
    return addVersion(
        model,
        version,
        Fixtures.bytes(Fixtures.DIABETES_UBJ),
        10,
        featureNames(10),
        null,
        "reg:squarederror");
  }

  /** Adds a READY version (creating the model) and makes it the model's latest. */
  public synchronized ModelVersion addVersion(
      String model, long version, byte[] bytes, int numFeatures, List<String> featureNames) {
    return addVersion(model, version, bytes, numFeatures, featureNames, null);
  }

  /** As above, with an input binding for predict-by-entity (null for none). */
  public synchronized ModelVersion addVersion(
      String model,
      long version,
      byte[] bytes,
      int numFeatures,
      List<String> featureNames,
      InputBinding binding) {
    return addVersion(model, version, bytes, numFeatures, featureNames, binding, "");
  }

  /** As above, with the objective the registry would have read from the file ("" for none). */
  public synchronized ModelVersion addVersion(
      String model,
      long version,
      byte[] bytes,
      int numFeatures,
      List<String> featureNames,
      InputBinding binding,
      String objective) {
    ModelVersion.Builder builder =
        ModelVersion.newBuilder()
            .setModel(model)
            .setVersion(version)
            .setState(VersionState.VERSION_STATE_READY)
            .setSha256(Sha256.hex(bytes))
            .setSizeBytes(bytes.length)
            .setFormat(ModelFormat.MODEL_FORMAT_UBJ)
            .setNumFeatures(numFeatures)
            .addAllFeatureNames(featureNames)
            .setObjective(objective);
    if (binding != null) {
      builder.setInputBinding(binding);
    }
    ModelVersion meta = builder.build();
    versions.put(key(model, version), meta);
    artifacts.put(key(model, version), bytes);
    Model m = models.getOrDefault(model, Model.newBuilder().setName(model).build());
    m = m.toBuilder().setLatestVersion(Math.max(m.getLatestVersion(), version)).build();
    models.put(model, m);
    publish(
        WatchModelsResponse.newBuilder()
            .setKind(ChangeKind.CHANGE_KIND_VERSION_UPSERTED)
            .addModels(m)
            .addVersions(meta));
    return meta;
  }

  /** Serves other bytes than the ones the metadata describes (a corrupted artifact store). */
  public synchronized void serveBytes(String model, long version, byte[] bytes) {
    artifacts.put(key(model, version), bytes);
  }

  /** Downloads of this version wait until the returned latch is released. */
  public synchronized CountDownLatch holdDownloads(String model, long version) {
    CountDownLatch gate = new CountDownLatch(1);
    downloadGates.put(key(model, version), gate);
    return gate;
  }

  public synchronized void setAlias(String model, String alias, long version) {
    Model m = models.get(model).toBuilder().putAliases(alias, version).build();
    models.put(model, m);
    publish(
        WatchModelsResponse.newBuilder()
            .setKind(ChangeKind.CHANGE_KIND_MODEL_UPSERTED)
            .addModels(m));
  }

  public synchronized void updateModel(Model model) {
    models.put(model.getName(), model);
    publish(
        WatchModelsResponse.newBuilder()
            .setKind(ChangeKind.CHANGE_KIND_MODEL_UPSERTED)
            .addModels(model));
  }

  public synchronized void deleteModel(String model) {
    models.remove(model);
    versions.keySet().removeIf(k -> k.startsWith(model + "/"));
    publish(
        WatchModelsResponse.newBuilder()
            .setKind(ChangeKind.CHANGE_KIND_MODEL_DELETED)
            .setDeletedModel(model));
  }

  public synchronized Model model(String name) {
    return models.get(name);
  }

  /** The next {@code n} downloads fail with UNAVAILABLE, as during a registry restart. */
  public void failNextDownloads(int n) {
    failingDownloads.set(n);
  }

  /** Changes the registry without telling current watchers (they learn it after a reconnect). */
  public synchronized void setAliasSilently(String model, String alias, long version) {
    List<StreamObserver<WatchModelsResponse>> live = List.copyOf(watchers);
    watchers.clear();
    setAlias(model, alias, version);
    watchers.addAll(live);
  }

  /** Fails every open watch stream with UNAVAILABLE, as a registry restart would. */
  public synchronized void breakWatches() {
    watchers.forEach(
        w ->
            w.onError(
                Status.UNAVAILABLE.withDescription("registry restarting").asRuntimeException()));
    watchers.clear();
  }

  /** since_revision of every WatchModels call received, in order. */
  public List<Long> watchRequests() {
    return watchRequests;
  }

  public int downloads() {
    return downloads.get();
  }

  public synchronized long revision() {
    return revision;
  }

  private void publish(WatchModelsResponse.Builder change) {
    WatchModelsResponse event = change.setRevision(++revision).build();
    log.add(event);
    watchers.forEach(w -> w.onNext(event));
  }

  @Override
  public synchronized void watchModels(
      WatchModelsRequest request, StreamObserver<WatchModelsResponse> responses) {
    watchRequests.add(request.getSinceRevision());
    long since = request.getSinceRevision();
    if (since > 0 && since <= revision) {
      log.stream().filter(e -> e.getRevision() > since).forEach(responses::onNext);
    } else {
      responses.onNext(
          WatchModelsResponse.newBuilder()
              .setRevision(revision)
              .setKind(ChangeKind.CHANGE_KIND_SNAPSHOT)
              .addAllModels(models.values())
              .addAllVersions(versions.values())
              .build());
    }
    watchers.add(responses);
    ((ServerCallStreamObserver<WatchModelsResponse>) responses)
        .setOnCancelHandler(
            () -> {
              synchronized (this) {
                watchers.remove(responses);
              }
            });
  }

  @Override
  public void downloadVersion(
      DownloadVersionRequest request, StreamObserver<DownloadVersionResponse> responses) {
    ModelVersion meta;
    byte[] bytes;
    CountDownLatch gate;
    synchronized (this) {
      String key = key(request.getModel(), request.getVersion());
      meta = versions.get(key);
      bytes = artifacts.get(key);
      gate = downloadGates.get(key);
    }
    if (meta == null) {
      responses.onError(Status.NOT_FOUND.asRuntimeException());
      return;
    }
    downloads.incrementAndGet();
    if (failingDownloads.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      responses.onError(
          Status.UNAVAILABLE.withDescription("registry restarting").asRuntimeException());
      return;
    }
    if (gate != null) {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        responses.onError(Status.CANCELLED.asRuntimeException());
        return;
      }
    }
    int chunk = 16 * 1024;
    for (int offset = 0; offset < bytes.length; offset += chunk) {
      DownloadVersionResponse.Builder message =
          DownloadVersionResponse.newBuilder()
              .setChunk(ByteString.copyFrom(bytes, offset, Math.min(chunk, bytes.length - offset)));
      if (offset == 0) {
        message.setVersion(meta);
      }
      responses.onNext(message.build());
    }
    responses.onCompleted();
  }

  private static String key(String model, long version) {
    return model + "/" + version;
  }
}
