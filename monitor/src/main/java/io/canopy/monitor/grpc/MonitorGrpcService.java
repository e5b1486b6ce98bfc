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
    this.quality =
        new QualityReports(store, config.joinWindow(), config.threshold(), config.maxRows());
    this.comparisons =
        new Comparisons(store, config.joinWindow(), config.minOutcomes(), config.maxRows());
    this.drift = new DriftReports(store, config.baselineRows(), config.maxRows(), references);
    this.histories = new Histories(quality, drift);
    this.clock = clock;
  }

  /**
   * What a read is about: a model that has records, a window, now, and the versions asked for (one,
   * or every version with predictions in the window, newest first).
   */
  private record Scope(
      String model, String windowName, Duration window, long end, List<Long> versions) {}

  private Scope scope(String model, long version, String windowName, boolean longestByDefault) {
    if (model.isEmpty()) {
      throw new CanopyException.InvalidArgument("model", "a model name is required");
    }
    if (version < 0) {
      throw new CanopyException.InvalidArgument("version", "versions are numbered from 1");
    }
    Map.Entry<String, Duration> window =
        windowName.isEmpty() && longestByDefault ? longest() : window(windowName);
    if (!store.hasModel(model)) {
      throw Missing.model(model);
    }
    long end = clock.millis();
    List<Long> versions =
        version > 0
            ? List.of(version)
            : store.versions(model, end - window.getValue().toMillis(), end);
    return new Scope(model, window.getKey(), window.getValue(), end, versions);
  }

  @Override
  public void getQuality(GetQualityRequest request, StreamObserver<GetQualityResponse> responses) {
    Scope s = scope(request.getModel(), request.getVersion(), request.getWindow(), false);
    GetQualityResponse.Builder response = GetQualityResponse.newBuilder();
    for (long version : s.versions()) {
      response.addReports(
          quality.report(
              s.model(), version, s.windowName(), s.window(), s.end(), config.slicesOf(s.model())));
    }
    responses.onNext(response.build());
    responses.onCompleted();
  }

  @Override
  public void getDrift(GetDriftRequest request, StreamObserver<GetDriftResponse> responses) {
    Scope s = scope(request.getModel(), request.getVersion(), request.getWindow(), false);
    GetDriftResponse.Builder response = GetDriftResponse.newBuilder();
    for (long version : s.versions()) {
      response.addReports(drift.report(s.model(), version, s.windowName(), s.window(), s.end()));
    }
    responses.onNext(response.build());
    responses.onCompleted();
  }

  @Override
  public void getHistory(GetHistoryRequest request, StreamObserver<GetHistoryResponse> responses) {
    int points = request.getPoints() == 0 ? 12 : request.getPoints();
    if (points < 2 || points > 100) {
      throw new CanopyException.InvalidArgument("points", points + " is outside 2-100");
    }
    Scope s = scope(request.getModel(), request.getVersion(), request.getWindow(), true);
    GetHistoryResponse.Builder response = GetHistoryResponse.newBuilder();
    for (long version : s.versions()) {
      response.addVersions(histories.history(s.model(), version, s.window(), s.end(), points));
    }
    responses.onNext(response.build());
    responses.onCompleted();
  }

  @Override
  public void compareVersions(
      CompareVersionsRequest request, StreamObserver<CompareVersionsResponse> responses) {
    long champion = request.getChampion();
    long challenger = request.getChallenger();
    if (champion < 0 || challenger < 0) {
      throw new CanopyException.InvalidArgument(
          champion < 0 ? "champion" : "challenger", "versions are numbered from 1");
    }
    if ((champion == 0) != (challenger == 0)) {
      throw new CanopyException.InvalidArgument(
          champion == 0 ? "champion" : "challenger",
          "give both versions, or neither for the two newest in the window");
    }
    if (champion != 0 && champion == challenger) {
      throw new CanopyException.InvalidArgument("challenger", "compare two different versions");
    }
    Scope s = scope(request.getModel(), 0, request.getWindow(), true);
    if (champion == 0) {
      if (s.versions().size() < 2) {
        throw new CanopyException.FailedPrecondition(
            s.model()
                + " has predictions of "
                + s.versions().size()
                + " version(s) in the last "
                + s.windowName()
                + "; a comparison needs two");
      }
      challenger = s.versions().get(0);
      champion = s.versions().get(1);
    }
    responses.onNext(
        comparisons.compare(s.model(), champion, challenger, s.windowName(), s.window(), s.end()));
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
