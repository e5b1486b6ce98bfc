package io.canopy.gateway;

import com.google.protobuf.Timestamp;
import io.canopy.common.tls.ServerTls;
import io.canopy.proto.registry.v1.AuditEvent;
import io.canopy.proto.registry.v1.ChangeKind;
import io.canopy.proto.registry.v1.DeleteAliasRequest;
import io.canopy.proto.registry.v1.DeleteAliasResponse;
import io.canopy.proto.registry.v1.GetModelRequest;
import io.canopy.proto.registry.v1.GetModelResponse;
import io.canopy.proto.registry.v1.GetVersionRequest;
import io.canopy.proto.registry.v1.GetVersionResponse;
import io.canopy.proto.registry.v1.ListAuditEventsRequest;
import io.canopy.proto.registry.v1.ListAuditEventsResponse;
import io.canopy.proto.registry.v1.ListModelsRequest;
import io.canopy.proto.registry.v1.ListModelsResponse;
import io.canopy.proto.registry.v1.ListVersionsRequest;
import io.canopy.proto.registry.v1.ListVersionsResponse;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelFormat;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.SetAliasRequest;
import io.canopy.proto.registry.v1.SetAliasResponse;
import io.canopy.proto.registry.v1.SetTrafficPolicyRequest;
import io.canopy.proto.registry.v1.SetTrafficPolicyResponse;
import io.canopy.proto.registry.v1.TrafficPolicy;
import io.canopy.proto.registry.v1.TrafficSplit;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.canopy.proto.registry.v1.UploadVersionRequest;
import io.canopy.proto.registry.v1.UploadVersionResponse;
import io.canopy.proto.registry.v1.VersionState;
import io.canopy.proto.registry.v1.WatchModelsRequest;
import io.canopy.proto.registry.v1.WatchModelsResponse;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** A stand-in registry holding one model, "iris", with versions 1 and 2 and a canary policy. */
final class FakeRegistry implements AutoCloseable {

  static final Model IRIS =
      Model.newBuilder()
          .setName("iris")
          .setDescription("flowers")
          .putAliases("production", 1)
          .putAliases("canary", 2)
          .setLatestVersion(2)
          .setTrafficPolicy(
              TrafficPolicy.newBuilder()
                  .addSplits(TrafficSplit.newBuilder().setAlias("production").setPercent(90))
                  .addSplits(TrafficSplit.newBuilder().setVersion(2).setPercent(10))
                  .setSticky(true))
          .setCreator("ana")
          .setCreateTime(Timestamp.newBuilder().setSeconds(1_700_000_000))
          .build();

  static final List<ModelVersion> IRIS_VERSIONS =
      List.of(version(2, "cd".repeat(32)), version(1, "ef".repeat(32)));

  final AtomicReference<ListModelsRequest> listSeen = new AtomicReference<>();
  final AtomicReference<ListAuditEventsRequest> auditSeen = new AtomicReference<>();

  /** "Method authorization" of every call ("<none>" without the header). */
  final java.util.Queue<String> authorizations = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** When set, writes need "Bearer " + this, as a registry with an admin token does. */
  volatile String adminToken;

  /** The write requests that reached the fake, in order. */
  final java.util.Queue<com.google.protobuf.Message> writes =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** What one UploadVersion call brought. */
  static final class Upload {
    volatile UploadVersionHeader header;
    final java.util.List<Integer> chunks = new CopyOnWriteArrayList<>();
    final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    volatile boolean completed;
    volatile boolean cancelled;
    final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);

    synchronized byte[] bytes() {
      return bytes.toByteArray();
    }
  }

  /** Every UploadVersion call, in order. */
  final java.util.Queue<Upload> uploads = new java.util.concurrent.ConcurrentLinkedQueue<>();

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** What WatchModels shows; empty by default, so the gateway passes selectors through. */
  private final Map<String, Model> watched = new ConcurrentHashMap<>();

  private final List<StreamObserver<WatchModelsResponse>> watchers = new CopyOnWriteArrayList<>();
  private final AtomicLong revision = new AtomicLong();
  private final Server server;

  FakeRegistry() throws IOException {
    this(ServerTls.PLAINTEXT);
  }

  /** Serves TLS with {@code tls}'s certificate when it is enabled. */
  FakeRegistry(ServerTls tls) throws IOException {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
    if (tls.enabled()) {
      builder.sslContext(tls.grpcContext());
    }
    server =
        builder
            .addService(
                ServerInterceptors.intercept(
                    new Registry(),
                    new ServerInterceptor() {
                      @Override
                      public <Q, R> ServerCall.Listener<Q> interceptCall(
                          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                        String value = headers.get(AUTHORIZATION);
                        authorizations.add(
                            call.getMethodDescriptor().getBareMethodName()
                                + " "
                                + (value == null ? "<none>" : value));
                        String required = adminToken;
                        if (required != null
                            && !call.getMethodDescriptor().getBareMethodName().startsWith("Get")
                            && !call.getMethodDescriptor().getBareMethodName().startsWith("List")
                            && !call.getMethodDescriptor().getBareMethodName().equals("WatchModels")
                            && !("Bearer " + required).equals(value)) {
                          call.close(
                              Status.UNAUTHENTICATED.withDescription("admin token required"),
                              new Metadata());
                          return new ServerCall.Listener<>() {};
                        }
                        return next.startCall(call, headers);
                      }
                    }))
            .build()
            .start();
  }

  String target() {
    return "127.0.0.1:" + server.getPort();
  }

  private static ModelVersion version(long number, String sha256) {
    return ModelVersion.newBuilder()
        .setModel("iris")
        .setVersion(number)
        .setState(VersionState.VERSION_STATE_READY)
        .setSha256(sha256)
        .setFormat(ModelFormat.MODEL_FORMAT_UBJ)
        .setObjective("multi:softprob")
        .setNumFeatures(4)
        .setNumClasses(3)
        .build();
  }

  /** Shows {@code model} on the watch stream (a change to everyone already watching). */
  synchronized void publish(Model model) {
    watched.put(model.getName(), model);
    WatchModelsResponse change =
        WatchModelsResponse.newBuilder()
            .setRevision(revision.incrementAndGet())
            .setKind(ChangeKind.CHANGE_KIND_MODEL_UPSERTED)
            .addModels(model)
            .build();
    for (StreamObserver<WatchModelsResponse> w : watchers) {
      w.onNext(change);
    }
  }

  /** Shows the deletion of {@code name} on the watch stream. */
  synchronized void publishDeleted(String name) {
    watched.remove(name);
    WatchModelsResponse change =
        WatchModelsResponse.newBuilder()
            .setRevision(revision.incrementAndGet())
            .setKind(ChangeKind.CHANGE_KIND_MODEL_DELETED)
            .setDeletedModel(name)
            .build();
    for (StreamObserver<WatchModelsResponse> w : watchers) {
      w.onNext(change);
    }
  }

  int watchers() {
    return watchers.size();
  }

  private final class Registry extends ModelRegistryServiceGrpc.ModelRegistryServiceImplBase {
    @Override
    public void watchModels(WatchModelsRequest request, StreamObserver<WatchModelsResponse> out) {
      synchronized (FakeRegistry.this) {
        out.onNext(
            WatchModelsResponse.newBuilder()
                .setRevision(revision.get())
                .setKind(ChangeKind.CHANGE_KIND_SNAPSHOT)
                .addAllModels(watched.values())
                .build());
        watchers.add(out);
      }
    }

    @Override
    public void getModel(GetModelRequest request, StreamObserver<GetModelResponse> out) {
      if (!request.getName().equals(IRIS.getName())) {
        out.onError(
            Status.NOT_FOUND.withDescription("no model " + request.getName()).asRuntimeException());
        return;
      }
      out.onNext(GetModelResponse.newBuilder().setModel(IRIS).build());
      out.onCompleted();
    }

    @Override
    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> out) {
      listSeen.set(request);
      out.onNext(ListModelsResponse.newBuilder().addModels(IRIS).setNextPageToken("").build());
      out.onCompleted();
    }

    @Override
    public void getVersion(GetVersionRequest request, StreamObserver<GetVersionResponse> out) {
      for (ModelVersion v : IRIS_VERSIONS) {
        if (request.getModel().equals(IRIS.getName()) && v.getVersion() == request.getVersion()) {
          out.onNext(GetVersionResponse.newBuilder().setVersion(v).build());
          out.onCompleted();
          return;
        }
      }
      out.onError(Status.NOT_FOUND.withDescription("no such version").asRuntimeException());
    }

    /**
     * Asks for one message at a time (as the real registry does while it writes to disk), refuses a
     * header for a model other than iris unless it may create it, and answers READY with the sha256
     * of what arrived, or FAILED when the bytes are "corrupt".
     */
    @Override
    public StreamObserver<UploadVersionRequest> uploadVersion(
        StreamObserver<UploadVersionResponse> out) {
      ServerCallStreamObserver<UploadVersionResponse> call =
          (ServerCallStreamObserver<UploadVersionResponse>) out;
      call.disableAutoRequest();
      call.request(1);
      Upload upload = new Upload();
      uploads.add(upload);
      return new StreamObserver<>() {
        @Override
        public void onNext(UploadVersionRequest request) {
          if (request.hasHeader()) {
            upload.header = request.getHeader();
            if (!request.getHeader().getModel().equals("iris")
                && !request.getHeader().getCreateModel()) {
              out.onError(
                  Status.NOT_FOUND
                      .withDescription("no model " + request.getHeader().getModel())
                      .asRuntimeException());
              upload.ended.countDown();
              return;
            }
          } else {
            synchronized (upload) {
              upload.chunks.add(request.getChunk().size());
              upload.bytes.writeBytes(request.getChunk().toByteArray());
            }
          }
          call.request(1);
        }

        @Override
        public void onError(Throwable t) {
          upload.cancelled = true;
          upload.ended.countDown();
        }

        @Override
        public void onCompleted() {
          upload.completed = true;
          byte[] bytes = upload.bytes();
          boolean corrupt =
              new String(bytes, java.nio.charset.StandardCharsets.UTF_8).equals("corrupt");
          ModelVersion.Builder version =
              ModelVersion.newBuilder()
                  .setModel(upload.header.getModel())
                  .setVersion(3)
                  .setState(
                      corrupt
                          ? VersionState.VERSION_STATE_FAILED
                          : VersionState.VERSION_STATE_READY)
                  .setSha256(io.canopy.common.digest.Sha256.hex(bytes))
                  .setSizeBytes(bytes.length)
                  .setFormat(ModelFormat.MODEL_FORMAT_UBJ)
                  .setDescription(upload.header.getDescription());
          if (corrupt) {
            version.setFailureReason("not a model: the bytes do not parse");
          }
          out.onNext(UploadVersionResponse.newBuilder().setVersion(version).build());
          out.onCompleted();
          upload.ended.countDown();
        }
      };
    }

    @Override
    public void setAlias(SetAliasRequest request, StreamObserver<SetAliasResponse> out) {
      writes.add(request);
      if (!request.getModel().equals("iris")) {
        out.onError(
            Status.NOT_FOUND
                .withDescription("no model " + request.getModel())
                .asRuntimeException());
      } else if (request.getVersion() > IRIS.getLatestVersion()) {
        out.onError(
            Status.NOT_FOUND
                .withDescription("iris has no version " + request.getVersion())
                .asRuntimeException());
      } else {
        out.onNext(
            SetAliasResponse.newBuilder()
                .setModel(
                    IRIS.toBuilder().putAliases(request.getAlias(), request.getVersion()).build())
                .build());
        out.onCompleted();
      }
    }

    @Override
    public void deleteAlias(DeleteAliasRequest request, StreamObserver<DeleteAliasResponse> out) {
      writes.add(request);
      if (!IRIS.getAliasesMap().containsKey(request.getAlias())) {
        out.onError(
            Status.NOT_FOUND
                .withDescription("iris has no alias '" + request.getAlias() + "'")
                .asRuntimeException());
        return;
      }
      out.onNext(
          DeleteAliasResponse.newBuilder()
              .setModel(IRIS.toBuilder().removeAliases(request.getAlias()).build())
              .build());
      out.onCompleted();
    }

    @Override
    public void setTrafficPolicy(
        SetTrafficPolicyRequest request, StreamObserver<SetTrafficPolicyResponse> out) {
      writes.add(request);
      TrafficPolicy policy = request.getPolicy();
      int total = policy.getSplitsList().stream().mapToInt(TrafficSplit::getPercent).sum();
      if (policy.getSplitsCount() > 0 && total != 100) {
        out.onError(
            Status.INVALID_ARGUMENT
                .withDescription("policy.splits: percents sum to " + total + ", not 100")
                .asRuntimeException());
        return;
      }
      Model.Builder after = IRIS.toBuilder();
      if (policy.getSplitsCount() == 0) {
        after.clearTrafficPolicy();
      } else {
        after.setTrafficPolicy(policy);
      }
      out.onNext(SetTrafficPolicyResponse.newBuilder().setModel(after).build());
      out.onCompleted();
    }

    @Override
    public void listAuditEvents(
        ListAuditEventsRequest request, StreamObserver<ListAuditEventsResponse> out) {
      auditSeen.set(request);
      out.onNext(
          ListAuditEventsResponse.newBuilder()
              .addEvents(
                  AuditEvent.newBuilder()
                      .setId(12)
                      .setActor("ops")
                      .setAction("SetAlias")
                      .setModel(request.getModel())
                      .setVersion(2)
                      .setDetail("production -> 2")
                      .setTime(Timestamp.newBuilder().setSeconds(1_700_000_100)))
              .addEvents(
                  AuditEvent.newBuilder()
                      .setId(11)
                      .setActor("ops")
                      .setAction("SetTrafficPolicy")
                      .setModel(request.getModel())
                      .setDetail("cleared policy")
                      .setTime(Timestamp.newBuilder().setSeconds(1_700_000_000)))
              .setNextPageToken("t-11")
              .build());
      out.onCompleted();
    }

    @Override
    public void listVersions(
        ListVersionsRequest request, StreamObserver<ListVersionsResponse> out) {
      // Two pages of one version each, to exercise the gateway's paging.
      int index = request.getPageToken().isEmpty() ? 0 : Integer.parseInt(request.getPageToken());
      ListVersionsResponse.Builder page =
          ListVersionsResponse.newBuilder().addVersions(IRIS_VERSIONS.get(index));
      if (index + 1 < IRIS_VERSIONS.size()) {
        page.setNextPageToken(Integer.toString(index + 1));
      }
      out.onNext(page.build());
      out.onCompleted();
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(10, TimeUnit.SECONDS);
  }
}
