package io.canopy.gateway.upstream;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.tls.ClientTls;
import io.canopy.common.tracing.Tracing;
import io.canopy.proto.registry.v1.DeleteAliasRequest;
import io.canopy.proto.registry.v1.GetModelRequest;
import io.canopy.proto.registry.v1.GetVersionRequest;
import io.canopy.proto.registry.v1.ListAuditEventsRequest;
import io.canopy.proto.registry.v1.ListAuditEventsResponse;
import io.canopy.proto.registry.v1.ListModelsRequest;
import io.canopy.proto.registry.v1.ListModelsResponse;
import io.canopy.proto.registry.v1.ListVersionsRequest;
import io.canopy.proto.registry.v1.ListVersionsResponse;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc.ModelRegistryServiceBlockingStub;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc.ModelRegistryServiceStub;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.SetAliasRequest;
import io.canopy.proto.registry.v1.SetTrafficPolicyRequest;
import io.canopy.proto.registry.v1.UploadVersionHeader;
import io.grpc.Channel;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's client of the registry: the WatchModels stream that feeds the routing table ({@link
 * #watchStub()}), the HTTP front's model listings and audit reads, and the HTTP front's registry
 * writes (aliases, traffic policies, uploads). The calls block, so only the HTTP front (virtual
 * threads) makes them, each with {@code gateway.upstream.timeout}.
 *
 * <p>A write carries the caller's own {@code Authorization} header, not a token of the gateway's:
 * the registry checks the caller's role itself and records the caller as the change's actor, so a
 * gateway in front of it grants nobody more than the registry would. A caller without the header
 * sends none (a registry without tokens accepts that; one with tokens answers UNAUTHENTICATED).
 */
public final class RegistryClient implements AutoCloseable {

  // A version listing pages at most this many; a model with more versions takes several calls.
  private static final int VERSIONS_PAGE = 1000;

  /** A model and every one of its versions, read under one deadline. */
  public record ModelWithVersions(Model model, List<ModelVersion> versions) {}

  /**
   * How long an upload may take in all: 256 MiB (the default gateway.http.max-upload-bytes) at 300
   * KB/s, plus the registry's validation. A client that stops sending is cut much sooner, by the
   * HTTP front's read timeout; one that trickles is cut here.
   */
  static final Duration UPLOAD_DEADLINE = Duration.ofMinutes(15);

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final ManagedChannel channel;
  private final Channel traced;
  private final Duration timeout;
  private final ModelRegistryServiceBlockingStub blocking;

  private RegistryClient(ManagedChannel channel, Duration timeout, Tracing tracing) {
    this.channel = channel;
    this.traced = tracing.intercept(channel);
    this.timeout = timeout;
    this.blocking = ModelRegistryServiceGrpc.newBlockingStub(traced);
  }

  /**
   * Opens (lazily connecting) a channel to the registry at {@code target}; with tracing on, each
   * call (a read, the watch stream) is a client span.
   */
  public static RegistryClient connect(
      String target, ClientTls tls, Duration timeout, Tracing tracing) {
    return new RegistryClient(
        GrpcTransports.channel(target, GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES, tls),
        timeout,
        tracing);
  }

  /** The async stub for WatchModels: no deadline, the stream lasts as long as the gateway. */
  public ModelRegistryServiceGrpc.ModelRegistryServiceStub watchStub() {
    return ModelRegistryServiceGrpc.newStub(traced);
  }

  /** One page of models. */
  public ListModelsResponse listModels(ListModelsRequest request) {
    return stub().listModels(request);
  }

  /** One page of recorded changes, newest first. */
  public ListAuditEventsResponse auditEvents(ListAuditEventsRequest request) {
    return stub().listAuditEvents(request);
  }

  /** One version of a model. */
  public ModelVersion version(String model, long version) {
    return stub()
        .getVersion(GetVersionRequest.newBuilder().setModel(model).setVersion(version).build())
        .getVersion();
  }

  /** The model named {@code name} with all its versions, every page under one deadline. */
  public ModelWithVersions modelWithVersions(String name) {
    ModelRegistryServiceBlockingStub registry = stub();
    Model model = registry.getModel(GetModelRequest.newBuilder().setName(name).build()).getModel();
    List<ModelVersion> versions = new ArrayList<>();
    String token = "";
    do {
      ListVersionsResponse page =
          registry.listVersions(
              ListVersionsRequest.newBuilder()
                  .setModel(name)
                  .setPageSize(VERSIONS_PAGE)
                  .setPageToken(token)
                  .build());
      versions.addAll(page.getVersionsList());
      if (page.getNextPageToken().equals(token)) {
        break; // a registry that repeats its token would otherwise loop until the deadline
      }
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return new ModelWithVersions(model, versions);
  }

  /** Points an alias at a version; the model after the change. */
  public Model setAlias(SetAliasRequest request, Optional<String> authorization) {
    return writer(authorization).setAlias(request).getModel();
  }

  /** Removes an alias; the model after the change. */
  public Model deleteAlias(DeleteAliasRequest request, Optional<String> authorization) {
    return writer(authorization).deleteAlias(request).getModel();
  }

  /** Replaces (or, without splits, clears) a traffic policy; the model after the change. */
  public Model setTrafficPolicy(SetTrafficPolicyRequest request, Optional<String> authorization) {
    return writer(authorization).setTrafficPolicy(request).getModel();
  }

  /**
   * Starts an UploadVersion call and sends {@code header}; the caller streams the chunks ({@link
   * VersionUpload}). Its deadline is {@link #UPLOAD_DEADLINE}, not {@code
   * gateway.upstream.timeout}: the call lasts as long as the client takes to send the file, plus
   * the registry's validation.
   */
  public VersionUpload upload(UploadVersionHeader header, Optional<String> authorization) {
    ModelRegistryServiceStub stub =
        ModelRegistryServiceGrpc.newStub(channel)
            .withDeadlineAfter(UPLOAD_DEADLINE.toNanos(), TimeUnit.NANOSECONDS)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(caller(authorization)));
    return VersionUpload.start(stub, header);
  }

  private ModelRegistryServiceBlockingStub writer(Optional<String> authorization) {
    ModelRegistryServiceBlockingStub stub = stub();
    return authorization.isEmpty()
        ? stub
        : stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(caller(authorization)));
  }

  /** Metadata holding the caller's Authorization header; empty without one. */
  static Metadata caller(Optional<String> authorization) {
    Metadata headers = new Metadata();
    authorization.ifPresent(value -> headers.put(AUTHORIZATION, value));
    return headers;
  }

  private ModelRegistryServiceBlockingStub stub() {
    return blocking.withDeadline(Deadline.after(timeout.toNanos(), TimeUnit.NANOSECONDS));
  }

  @Override
  public void close() {
    Channels.close(channel);
  }
}
