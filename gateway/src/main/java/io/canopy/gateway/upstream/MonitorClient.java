package io.canopy.gateway.upstream;

import io.canopy.common.auth.AuthInterceptor;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.tls.ClientTls;
import io.canopy.proto.monitor.v1.CompareVersionsRequest;
import io.canopy.proto.monitor.v1.CompareVersionsResponse;
import io.canopy.proto.monitor.v1.GetDriftRequest;
import io.canopy.proto.monitor.v1.GetDriftResponse;
import io.canopy.proto.monitor.v1.GetHistoryRequest;
import io.canopy.proto.monitor.v1.GetHistoryResponse;
import io.canopy.proto.monitor.v1.GetQualityRequest;
import io.canopy.proto.monitor.v1.GetQualityResponse;
import io.canopy.proto.monitor.v1.MonitorServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The monitor's reads for the gateway's HTTP API (quality, drift, comparisons, history), blocking:
 * they are called from the HTTP front's virtual threads only. Presents the gateway's upstream
 * token.
 */
public final class MonitorClient implements AutoCloseable {

  private final ManagedChannel channel;
  private final MonitorServiceGrpc.MonitorServiceBlockingStub stub;
  private final Duration timeout;

  private MonitorClient(ManagedChannel channel, Optional<String> token, Duration timeout) {
    this.channel = channel;
    MonitorServiceGrpc.MonitorServiceBlockingStub s = MonitorServiceGrpc.newBlockingStub(channel);
    if (token.isPresent()) {
      Metadata headers = new Metadata();
      headers.put(AuthInterceptor.AUTHORIZATION, "Bearer " + token.get());
      s = s.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    this.stub = s;
    this.timeout = timeout;
  }

  /** Opens (lazily connecting) a channel to the monitor at {@code target}. */
  public static MonitorClient connect(
      String target, ClientTls tls, Optional<String> token, Duration timeout) {
    return new MonitorClient(
        GrpcTransports.channel(target, GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES, tls),
        token,
        timeout);
  }

  private MonitorServiceGrpc.MonitorServiceBlockingStub stub() {
    return stub.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  public GetQualityResponse quality(GetQualityRequest request) {
    return stub().getQuality(request);
  }

  public GetDriftResponse drift(GetDriftRequest request) {
    return stub().getDrift(request);
  }

  public CompareVersionsResponse compare(CompareVersionsRequest request) {
    return stub().compareVersions(request);
  }

  public GetHistoryResponse history(GetHistoryRequest request) {
    return stub().getHistory(request);
  }

  @Override
  public void close() {
    Channels.close(channel);
  }
}
