package io.canopy.monitor.grpc;

import io.canopy.common.auth.MethodRoles;
import io.canopy.common.auth.Role;
import io.canopy.common.error.CanopyException;
import io.canopy.common.names.Missing;
import io.canopy.monitor.MonitorConfig;
import io.canopy.monitor.drift.DriftReports;
import io.canopy.monitor.drift.ReferenceSource;
import io.canopy.monitor.history.Histories;
import io.canopy.monitor.quality.Comparisons;
import io.canopy.monitor.quality.QualityReports;
import io.canopy.monitor.store.MonitorStore;
import io.canopy.proto.monitor.v1.CompareVersionsRequest;
import io.canopy.proto.monitor.v1.CompareVersionsResponse;
import io.canopy.proto.monitor.v1.GetDriftRequest;
import io.canopy.proto.monitor.v1.GetDriftResponse;
import io.canopy.proto.monitor.v1.GetHistoryRequest;
import io.canopy.proto.monitor.v1.GetHistoryResponse;
import io.canopy.proto.monitor.v1.GetQualityRequest;
import io.canopy.proto.monitor.v1.GetQualityResponse;
import io.canopy.proto.monitor.v1.MonitorServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@code canopy.monitor.v1.MonitorService}: quality per version, window and slice. */
public final class MonitorGrpcService extends MonitorServiceGrpc.MonitorServiceImplBase {

  /** Every read needs the predict role when tokens are configured. */
  public static MethodRoles roles() {
    return new MethodRoles().require(MonitorServiceGrpc.getServiceDescriptor(), Role.PREDICT);
  }

  private final MonitorStore store;
  private final MonitorConfig config;
  private final QualityReports quality;
  private final Comparisons comparisons;
  private final DriftReports drift;
  private final Histories histories;
  private final Clock clock;

  public MonitorGrpcService(
      MonitorStore store, MonitorConfig config, ReferenceSource references, Clock clock) {
    this.store = store;
    this.config = config;
    this.quality = new QualityReports(store, config.joinWindow(), config.threshold());
    this.comparisons = new Comparisons(store, config.joinWindow(), config.minOutcomes());
    this.drift = new DriftReports(store, config.baselineRows(), references);
    this.histories = new Histories(quality, drift);
    this.clock = clock;
  }

  @Override
  public void getQuality(GetQualityRequest request, StreamObserver<GetQualityResponse> responses) {
    String model = request.getModel();
    if (model.isEmpty()) {
      throw new CanopyException.InvalidArgument("model", "a model name is required");
    }
    if (request.getVersion() < 0) {
      throw new CanopyException.InvalidArgument("version", "versions are numbered from 1");
    }
    Map.Entry<String, Duration> window = window(request.getWindow());
    if (!store.hasModel(model)) {
      throw Missing.model(model);
    }
    long end = clock.millis();
    long start = end - window.getValue().toMillis();
    List<Long> versions =
        request.getVersion() > 0
            ? List.of(request.getVersion())
            : store.versions(model, start, end);
    GetQualityResponse.Builder response = GetQualityResponse.newBuilder();
    for (long version : versions) {
      response.addReports(
          quality.report(
              model, version, window.getKey(), window.getValue(), end, config.slicesOf(model)));
    }
    responses.onNext(response.build());
    responses.onCompleted();
  }

  @Override
  public void getDrift(GetDriftRequest request, StreamObserver<GetDriftResponse> responses) {
    String model = request.getModel();
    if (model.isEmpty()) {
      throw new CanopyException.InvalidArgument("model", "a model name is required");
    }
    if (request.getVersion() < 0) {
      throw new CanopyException.InvalidArgument("version", "versions are numbered from 1");
    }
    Map.Entry<String, Duration> window = window(request.getWindow());
    if (!store.hasModel(model)) {
      throw Missing.model(model);
    }
    long end = clock.millis();
    List<Long> versions =
        request.getVersion() > 0
            ? List.of(request.getVersion())
            : store.versions(model, end - window.getValue().toMillis(), end);
    GetDriftResponse.Builder response = GetDriftResponse.newBuilder();
    for (long version : versions) {
      response.addReports(drift.report(model, version, window.getKey(), window.getValue(), end));
    }
    responses.onNext(response.build());
    responses.onCompleted();
  }

  @Override
  public void getHistory(GetHistoryRequest request, StreamObserver<GetHistoryResponse> responses) {
    String model = request.getModel();
    if (model.isEmpty()) {
      throw new CanopyException.InvalidArgument("model", "a model name is required");
    }
    if (request.getVersion() < 0) {
      throw new CanopyException.InvalidArgument("version", "versions are numbered from 1");
    }
    int points = request.getPoints() == 0 ? 12 : request.getPoints();
    if (points < 2 || points > 100) {
      throw new CanopyException.InvalidArgument("points", points + " is outside 2-100");
    }
    Map.Entry<String, Duration> window =
        request.getWindow().isEmpty() ? longest() : window(request.getWindow());
    if (!store.hasModel(model)) {
      throw Missing.model(model);
    }
    long end = clock.millis();
    List<Long> versions =
        request.getVersion() > 0
            ? List.of(request.getVersion())
            : store.versions(model, end - window.getValue().toMillis(), end);
    GetHistoryResponse.Builder response = GetHistoryResponse.newBuilder();
    for (long version : versions) {
      response.addVersions(histories.history(model, version, window.getValue(), end, points));
    }
    responses.onNext(response.build());
    responses.onCompleted();
  }

  @Override
  public void compareVersions(
      CompareVersionsRequest request, StreamObserver<CompareVersionsResponse> responses) {
    String model = request.getModel();
    if (model.isEmpty()) {
      throw new CanopyException.InvalidArgument("model", "a model name is required");
    }
    if (request.getChampion() < 0 || request.getChallenger() < 0) {
      throw new CanopyException.InvalidArgument("champion", "versions are numbered from 1");
    }
    if ((request.getChampion() == 0) != (request.getChallenger() == 0)) {
      throw new CanopyException.InvalidArgument(
          request.getChampion() == 0 ? "champion" : "challenger",
          "give both versions, or neither for the two newest in the window");
    }
    if (request.getChampion() != 0 && request.getChampion() == request.getChallenger()) {
      throw new CanopyException.InvalidArgument("challenger", "compare two different versions");
    }
    Map.Entry<String, Duration> window =
        request.getWindow().isEmpty() ? longest() : window(request.getWindow());
    if (!store.hasModel(model)) {
      throw Missing.model(model);
    }
    long end = clock.millis();
    long champion = request.getChampion();
    long challenger = request.getChallenger();
    if (champion == 0) {
      List<Long> versions = store.versions(model, end - window.getValue().toMillis(), end);
      if (versions.size() < 2) {
        throw new CanopyException.FailedPrecondition(
            model
                + " has predictions of "
                + versions.size()
                + " version(s) in the last "
                + window.getKey()
                + "; a comparison needs two");
      }
      challenger = versions.get(0);
      champion = versions.get(1);
    }
    responses.onNext(
        comparisons.compare(model, champion, challenger, window.getKey(), window.getValue(), end));
    responses.onCompleted();
  }

  private Map.Entry<String, Duration> longest() {
    Map.Entry<String, Duration> last = null;
    for (var e : config.windows().entrySet()) {
      last = e;
    }
    return last;
  }

  private Map.Entry<String, Duration> window(String name) {
    if (name.isEmpty()) {
      return config.windows().entrySet().iterator().next();
    }
    Duration d = config.windows().get(name);
    if (d == null) {
      throw new CanopyException.InvalidArgument(
          "window",
          "'" + name + "' is not a configured window; one of " + config.windows().keySet());
    }
    return Map.entry(name, d);
  }
}
