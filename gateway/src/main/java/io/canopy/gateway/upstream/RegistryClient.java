package io.canopy.gateway.upstream;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.tls.ClientTls;
import io.canopy.common.tracing.Tracing;
import io.canopy.proto.registry.v1.GetModelRequest;
import io.canopy.proto.registry.v1.GetVersionRequest;
import io.canopy.proto.registry.v1.ListModelsRequest;
import io.canopy.proto.registry.v1.ListModelsResponse;
import io.canopy.proto.registry.v1.ListVersionsRequest;
import io.canopy.proto.registry.v1.ListVersionsResponse;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc;
import io.canopy.proto.registry.v1.ModelRegistryServiceGrpc.ModelRegistryServiceBlockingStub;
import io.canopy.proto.registry.v1.ModelVersion;
import io.grpc.Channel;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's client of the registry, for reads only: the WatchModels stream that feeds the
 * routing table ({@link #watchStub()}) and the HTTP front's model listings. The reads block, so
 * only the HTTP front (virtual threads) calls them, each with {@code gateway.upstream.timeout}.
 */
public final class RegistryClient implements AutoCloseable {

  // A version listing pages at most this many; a model with more versions takes several calls.
  private static final int VERSIONS_PAGE = 1000;

  /** A model and every one of its versions, read under one deadline. */
  public record ModelWithVersions(Model model, List<ModelVersion> versions) {}

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

  private ModelRegistryServiceBlockingStub stub() {
    return blocking.withDeadline(
        Deadline.after(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS));
  }

  @Override
  public void close() {
    Channels.close(channel);
  }
}
