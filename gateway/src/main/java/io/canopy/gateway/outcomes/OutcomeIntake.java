package io.canopy.gateway.outcomes;

import io.canopy.common.error.CanopyException;
import io.canopy.common.requestid.RequestIds;
import io.canopy.monitor.log.RecordLog;
import io.canopy.monitor.quality.Task;
import io.canopy.monitor.store.Times;
import io.canopy.proto.monitor.v1.Outcome;
import io.canopy.proto.monitor.v1.OutcomeRecord;
import io.canopy.proto.monitor.v1.RecordOutcomesRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes a batch of outcomes for one model: checks each against the model's task, writes the good
 * ones to the record log before answering (an accepted outcome is stored), and refuses the bad ones
 * by name while keeping the rest. Shared by the gRPC and HTTP fronts.
 */
public final class OutcomeIntake {

  private static final int NAMED_IN_ERROR = 5;

  private final ModelTasks tasks;
  private final RecordLog log;
  private final int maxItems;
  private final Clock clock;

  OutcomeIntake(ModelTasks tasks, RecordLog log, int maxItems, Clock clock) {
    this.tasks = tasks;
    this.log = log;
    this.maxItems = maxItems;
    this.clock = clock;
  }

  /** Opens the intake on {@code settings}' store; null when outcomes are off. */
  public static OutcomeIntake open(
      OutcomeSettings settings,
      io.canopy.gateway.routing.RoutingTable table,
      io.canopy.gateway.upstream.RegistryClient registry,
      RecordLog log,
      Clock clock) {
    return new OutcomeIntake(new ModelTasks(table, registry), log, settings.maxItems(), clock);
  }

  /**
   * Records the batch and returns how many outcomes were kept.
   *
   * @throws CanopyException.InvalidArgument naming the first bad item, after the good ones were
   *     kept (the message says how many)
   */
  public int record(RecordOutcomesRequest request) {
    String model = request.getModel();
    if (model.isEmpty()) {
      throw new CanopyException.InvalidArgument("model", "a model name is required");
    }
    if (request.getOutcomesCount() == 0) {
      throw new CanopyException.InvalidArgument("outcomes", "at least one outcome is required");
    }
    if (request.getOutcomesCount() > maxItems) {
      throw new CanopyException.InvalidArgument(
          "outcomes",
          request.getOutcomesCount()
              + " items exceed the gateway's limit of "
              + maxItems
              + " per call (gateway.outcomes.max-items); send smaller batches");
    }
    // An outcome names a model that must exist: a typo would otherwise vanish into the store.
    ModelTasks.Kind kind =
        tasks
            .of(model)
            .orElseThrow(
                () ->
                    new CanopyException.InvalidArgument(
                        "model", "the registry has no model '" + model + "'"));
    long now = clock.millis();
    List<OutcomeRecord> good = new ArrayList<>(request.getOutcomesCount());
    List<CanopyException.InvalidArgument> bad = new ArrayList<>();
    for (int i = 0; i < request.getOutcomesCount(); i++) {
      Outcome outcome = request.getOutcomes(i);
      try {
        check(outcome, "outcomes[" + i + "]", kind, model);
        Outcome stored =
            outcome.hasTime() ? outcome : outcome.toBuilder().setTime(Times.timestamp(now)).build();
        good.add(
            OutcomeRecord.newBuilder()
                .setModel(model)
                .setOutcome(stored)
                .setReceivedTime(Times.timestamp(now))
                .build());
      } catch (CanopyException.InvalidArgument e) {
        bad.add(e);
      }
    }
    if (!good.isEmpty()) {
      try {
        log.appendOutcomes(good);
      } catch (RuntimeException e) {
        throw new CanopyException.Unavailable(
            "the record store did not take the outcomes; nothing was kept, retry", e);
      }
    }
    if (!bad.isEmpty()) {
      StringBuilder message =
          new StringBuilder()
              .append(bad.size())
              .append(" of ")
              .append(request.getOutcomesCount())
              .append(" outcomes refused, ")
              .append(good.size())
              .append(" kept: ");
      for (int i = 0; i < Math.min(NAMED_IN_ERROR, bad.size()); i++) {
        message
            .append(i == 0 ? "" : "; ")
            .append(bad.get(i).field())
            .append(' ')
            .append(bad.get(i).getMessage());
      }
      if (bad.size() > NAMED_IN_ERROR) {
        message.append("; ...");
      }
      throw new CanopyException.InvalidArgument(bad.get(0).field(), message.toString());
    }
    return good.size();
  }

  private static void check(Outcome outcome, String field, ModelTasks.Kind kind, String model) {
    RequestIds.check(field + ".request_id", outcome.getRequestId());
    if (outcome.getRow() < 0) {
      throw new CanopyException.InvalidArgument(field + ".row", "must not be negative");
    }
    switch (outcome.getObservedCase()) {
      case OBSERVED_NOT_SET ->
          throw new CanopyException.InvalidArgument(field, "needs a label or a value");
      case LABEL -> {
        if (kind.task() == Task.REGRESSION) {
          throw new CanopyException.InvalidArgument(
              field + ".label", model + " is a regression model; send a value");
        }
        if (kind.task().takesLabels()
            && (outcome.getLabel() < 0 || outcome.getLabel() >= kind.classes())) {
          throw new CanopyException.InvalidArgument(
              field + ".label",
              outcome.getLabel()
                  + " is not a class of "
                  + model
                  + " (0 to "
                  + (kind.classes() - 1)
                  + ")");
        }
      }
      case VALUE -> {
        if (kind.task().takesLabels()) {
          throw new CanopyException.InvalidArgument(
              field + ".value", model + " is a classifier; send a label");
        }
        if (!Double.isFinite(outcome.getValue())) {
          throw new CanopyException.InvalidArgument(field + ".value", "must be a finite number");
        }
      }
    }
  }
}
