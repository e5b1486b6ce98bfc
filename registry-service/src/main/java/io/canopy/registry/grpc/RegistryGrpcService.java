package io.canopy.registry.grpc;

import io.canopy.common.auth.AuthInterceptor;
import io.canopy.common.auth.MethodRoles;
import io.canopy.common.auth.Role;
import io.canopy.common.error.CanopyException;
import io.canopy.proto.registry.v1.ArchiveVersionRequest;
import io.canopy.proto.registry.v1.ArchiveVersionResponse;
import io.canopy.proto.registry.v1.AuditEvent;
import io.canopy.proto.registry.v1.CreateModelRequest;
import io.canopy.proto.registry.v1.CreateModelResponse;
import io.canopy.proto.registry.v1.DeleteAliasRequest;
import io.canopy.proto.registry.v1.DeleteAliasResponse;
import io.canopy.proto.registry.v1.DeleteModelRequest;
import io.canopy.proto.registry.v1.DeleteModelResponse;
import io.canopy.proto.registry.v1.DownloadVersionRequest;
import io.canopy.proto.registry.v1.DownloadVersionResponse;
import io.canopy.proto.registry.v1.GetModelRequest;
import io.canopy.proto.registry.v1.GetModelResponse;
import io.canopy.proto.registry.v1.GetVersionReferenceRequest;
import io.canopy.proto.registry.v1.GetVersionReferenceResponse;
import io.canopy.proto.registry.v1.GetVersionRequest;
import io.canopy.proto.registry.v1.GetVersionResponse;
import io.canopy.proto.registry.v1.ListAuditEventsRequest;
import io.canopy.proto.registry.v1.ListAuditEventsResponse;
import io.canopy.proto.registry.v1.ListModelsRequest;
import io.canopy.proto.registry.v1.ListModelsResponse;
import io.canopy.proto.registry.v1.ListVersionsRequest;
import io.canopy.proto.registry.v1.ListVersionsResponse;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.SetAliasRequest;
import io.canopy.proto.registry.v1.SetAliasResponse;
import io.canopy.proto.registry.v1.SetTrafficPolicyRequest;
import io.canopy.proto.registry.v1.SetTrafficPolicyResponse;
import io.canopy.proto.registry.v1.SetVersionReferenceRequest;
import io.canopy.proto.registry.v1.SetVersionReferenceResponse;
import io.canopy.proto.registry.v1.UploadVersionRequest;
import io.canopy.proto.registry.v1.UploadVersionResponse;
import io.canopy.proto.registry.v1.VersionState;
import io.canopy.proto.registry.v1.WatchModelsRequest;
import io.canopy.proto.registry.v1.WatchModelsResponse;
import io.canopy.registry.store.ArtifactStore;
import io.canopy.registry.store.MetadataStore;
import io.canopy.registry.upload.VersionUploads;
import io.canopy.registry.watch.WatchHub;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gRPC face of the registry: validates requests, delegates to the stores, the upload pipeline
 * and the watch hub, and maps results. Domain errors are thrown (or passed to onError) as
 * CanopyExceptions; the error-mapping interceptor turns them into statuses.
 */
public final class RegistryGrpcService
    extends ModelRegistryServiceGrpc.ModelRegistryServiceImplBase {

  private static final Logger LOG = Logger.getLogger(RegistryGrpcService.class.getName());

  /**
   * Who may call what, with admin tokens configured: reads (and the watch) stay open, every method
   * that changes state needs an admin token.
   */
  public static MethodRoles roles() {
    return new MethodRoles()
        .open(ModelRegistryServiceGrpc.getServiceDescriptor())
        .require(ModelRegistryServiceGrpc.getCreateModelMethod(), Role.ADMIN)
        .require(ModelRegistryServiceGrpc.getDeleteModelMethod(), Role.ADMIN)
        .require(ModelRegistryServiceGrpc.getUploadVersionMethod(), Role.ADMIN)
        .require(ModelRegistryServiceGrpc.getArchiveVersionMethod(), Role.ADMIN)
        .require(ModelRegistryServiceGrpc.getSetAliasMethod(), Role.ADMIN)
        .require(ModelRegistryServiceGrpc.getDeleteAliasMethod(), Role.ADMIN)
        .require(ModelRegistryServiceGrpc.getSetTrafficPolicyMethod(), Role.ADMIN)
        .require(ModelRegistryServiceGrpc.getSetVersionReferenceMethod(), Role.ADMIN);
  }

  private final MetadataStore store;
  private final ArtifactStore artifacts;
  private final VersionUploads uploads;
  private final WatchHub watches;

  public RegistryGrpcService(
      MetadataStore store, ArtifactStore artifacts, VersionUploads uploads, WatchHub watches) {
    this.store = store;
    this.artifacts = artifacts;
    this.uploads = uploads;
    this.watches = watches;
  }

  @Override
  public void createModel(CreateModelRequest req, StreamObserver<CreateModelResponse> out) {
    Requests.name("name", req.getName());
    Requests.description("description", req.getDescription());
    Requests.labels("labels", req.getLabelsMap());
    Model model =
        store.createModel(req.getName(), req.getDescription(), req.getLabelsMap(), actor());
    reply(out, CreateModelResponse.newBuilder().setModel(model).build());
  }

  @Override
  public void getModel(GetModelRequest req, StreamObserver<GetModelResponse> out) {
    Model model = model(Requests.name("name", req.getName()));
    reply(out, GetModelResponse.newBuilder().setModel(model).build());
  }

  @Override
  public void listModels(ListModelsRequest req, StreamObserver<ListModelsResponse> out) {
    int size = Requests.pageSize(req.getPageSize());
    String after = PageTokens.decode("models", req.getPageToken(), "");
    PageTokens.Page<Model> page =
        PageTokens.cut(store.listModels(after, size + 1), size, "models", Model::getName);
    reply(
        out,
        ListModelsResponse.newBuilder()
            .addAllModels(page.items())
            .setNextPageToken(page.nextToken())
            .build());
  }

  @Override
  public void deleteModel(DeleteModelRequest req, StreamObserver<DeleteModelResponse> out) {
    List<String> digests = store.deleteModel(Requests.name("name", req.getName()), actor());
    for (String sha256 : digests) {
      try {
        artifacts.deleteIfUnreferenced(sha256, store::isArtifactReferenced);
      } catch (IOException | RuntimeException e) {
        // The model is gone either way; an orphaned file only costs disk.
        LOG.log(Level.WARNING, "cannot remove artifact " + sha256, e);
      }
    }
    reply(out, DeleteModelResponse.getDefaultInstance());
  }

  @Override
  public StreamObserver<UploadVersionRequest> uploadVersion(
      StreamObserver<UploadVersionResponse> out) {
    return new UploadObserver(
        uploads, (ServerCallStreamObserver<UploadVersionResponse>) out, actor());
  }

  @Override
  public void getVersion(GetVersionRequest req, StreamObserver<GetVersionResponse> out) {
    ModelVersion v = version(req.getModel(), req.getVersion());
    reply(out, GetVersionResponse.newBuilder().setVersion(v).build());
  }

  @Override
  public void listVersions(ListVersionsRequest req, StreamObserver<ListVersionsResponse> out) {
    String model = Requests.name("model", req.getModel());
    int size = Requests.pageSize(req.getPageSize());
    long before = PageTokens.decodeLong("versions/" + model, req.getPageToken(), Long.MAX_VALUE);
    PageTokens.Page<ModelVersion> page =
        PageTokens.cut(
            store.listVersions(model, before, size + 1),
            size,
            "versions/" + model,
            v -> Long.toString(v.getVersion()));
    reply(
        out,
        ListVersionsResponse.newBuilder()
            .addAllVersions(page.items())
            .setNextPageToken(page.nextToken())
            .build());
  }

  @Override
  public void downloadVersion(
      DownloadVersionRequest req, StreamObserver<DownloadVersionResponse> out) {
    ModelVersion v = version(req.getModel(), req.getVersion());
    if (v.getState() != VersionState.VERSION_STATE_READY
        && v.getState() != VersionState.VERSION_STATE_ARCHIVED) {
      throw new CanopyException.FailedPrecondition(
          "version "
              + v.getVersion()
              + " is "
              + v.getState()
              + "; only READY or ARCHIVED versions can be downloaded");
    }
    try {
      DownloadStream.start(
          v,
          () ->
              artifacts
                  .open(v.getSha256())
                  .orElseThrow(
                      () ->
                          Status.DATA_LOSS
                              .withDescription("the artifact of this version is missing")
                              .asRuntimeException()),
          (ServerCallStreamObserver<DownloadVersionResponse>) out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void archiveVersion(
      ArchiveVersionRequest req, StreamObserver<ArchiveVersionResponse> out) {
    String model = Requests.name("model", req.getModel());
    long version = Requests.version("version", req.getVersion());
    reply(
        out,
        ArchiveVersionResponse.newBuilder()
            .setVersion(store.archiveVersion(model, version, actor()))
            .build());
  }

  @Override
  public void setAlias(SetAliasRequest req, StreamObserver<SetAliasResponse> out) {
    String model = Requests.name("model", req.getModel());
    String alias = Requests.alias("alias", req.getAlias());
    long version = Requests.version("version", req.getVersion());
    reply(
        out,
        SetAliasResponse.newBuilder()
            .setModel(store.setAlias(model, alias, version, actor()))
            .build());
  }

  @Override
  public void deleteAlias(DeleteAliasRequest req, StreamObserver<DeleteAliasResponse> out) {
    String model = Requests.name("model", req.getModel());
    String alias = Requests.alias("alias", req.getAlias());
    reply(
        out,
        DeleteAliasResponse.newBuilder()
            .setModel(store.deleteAlias(model, alias, actor()))
            .build());
  }

  @Override
  public void setTrafficPolicy(
      SetTrafficPolicyRequest req, StreamObserver<SetTrafficPolicyResponse> out) {
    String model = Requests.name("model", req.getModel());
    reply(
        out,
        SetTrafficPolicyResponse.newBuilder()
            .setModel(
                store.setTrafficPolicy(model, TrafficPolicies.validate(req.getPolicy()), actor()))
            .build());
  }

  @Override
  public void setVersionReference(
      SetVersionReferenceRequest req, StreamObserver<SetVersionReferenceResponse> out) {
    String model = Requests.name("model", req.getModel());
    long version = Requests.version("version", req.getVersion());
    reply(
        out,
        SetVersionReferenceResponse.newBuilder()
            .setRows(store.setReference(model, version, req.getSample(), actor()))
            .build());
  }

  @Override
  public void getVersionReference(
      GetVersionReferenceRequest req, StreamObserver<GetVersionReferenceResponse> out) {
    String model = Requests.name("model", req.getModel());
    long version = Requests.version("version", req.getVersion());
    reply(
        out,
        GetVersionReferenceResponse.newBuilder()
            .setSample(
                store
                    .findReference(model, version)
                    .orElseThrow(
                        () ->
                            new CanopyException.NotFound(
                                model + " v" + version + " has no reference sample")))
            .build());
  }

  @Override
  public void watchModels(WatchModelsRequest req, StreamObserver<WatchModelsResponse> out) {
    watches.watch(req.getSinceRevision(), (ServerCallStreamObserver<WatchModelsResponse>) out);
  }

  @Override
  public void listAuditEvents(
      ListAuditEventsRequest req, StreamObserver<ListAuditEventsResponse> out) {
    String model = req.getModel().isEmpty() ? "" : Requests.name("model", req.getModel());
    int size = Requests.pageSize(req.getPageSize());
    long before = PageTokens.decodeLong("audit/" + model, req.getPageToken(), Long.MAX_VALUE);
    PageTokens.Page<AuditEvent> page =
        PageTokens.cut(
            store.listAuditEvents(model, before, size + 1),
            size,
            "audit/" + model,
            e -> Long.toString(e.getId()));
    reply(
        out,
        ListAuditEventsResponse.newBuilder()
            .addAllEvents(page.items())
            .setNextPageToken(page.nextToken())
            .build());
  }

  /** Who the audit log records: the token's principal, or "anonymous" when auth is off. */
  private static String actor() {
    return AuthInterceptor.PRINCIPAL.get();
  }

  private Model model(String name) {
    return store
        .findModel(name)
        .orElseThrow(() -> new CanopyException.NotFound("model '" + name + "' does not exist"));
  }

  private ModelVersion version(String model, long version) {
    Requests.name("model", model);
    Requests.version("version", version);
    return store
        .findVersion(model, version)
        .orElseThrow(
            () -> new CanopyException.NotFound("model '" + model + "' has no version " + version));
  }

  private static <T> void reply(StreamObserver<T> out, T message) {
    out.onNext(message);
    out.onCompleted();
  }
}
