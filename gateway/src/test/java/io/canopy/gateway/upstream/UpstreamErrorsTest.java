package io.canopy.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.error.CanopyException;
import io.canopy.common.error.ErrorMapping;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class UpstreamErrorsTest {

  @Test
  void passThrough_upstreamStatus_keepsCodeAndDescription() {
    StatusRuntimeException relayed =
        UpstreamErrors.passThrough(
            Status.NOT_FOUND.withDescription("no model iris").asRuntimeException());

    assertThat(relayed.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(relayed.getStatus().getDescription()).isEqualTo("no model iris");
  }

  @Test
  void passThrough_badRequestDetails_areKept() {
    StatusRuntimeException upstream =
        ErrorMapping.toStatusException(new CanopyException.InvalidArgument("dense", "bad"));

    StatusRuntimeException relayed = UpstreamErrors.passThrough(upstream);

    assertThat(relayed.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(StatusProto.fromThrowable(relayed)).isEqualTo(StatusProto.fromThrowable(upstream));
  }

  @Test
  void passThrough_locallyMadeStatus_getsAGenericDescriptionAndNoCause() {
    StatusRuntimeException local =
        Status.UNAVAILABLE
            .withDescription("connect to 10.1.2.3:9200 refused")
            .withCause(new IOException("refused"))
            .asRuntimeException();

    StatusRuntimeException relayed = UpstreamErrors.passThrough(local);

    assertThat(relayed.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(relayed.getStatus().getDescription()).doesNotContain("10.1.2.3");
    assertThat(relayed.getStatus().getCause()).isNull();
  }

  @Test
  void passThrough_deadlineExceeded_hidesTheChannelsAddresses() {
    StatusRuntimeException relayed =
        UpstreamErrors.passThrough(
            Status.DEADLINE_EXCEEDED
                .withDescription("deadline exceeded after 1s. [remote_addr=10.1.2.3:9200]")
                .asRuntimeException());

    assertThat(relayed.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(relayed.getStatus().getDescription()).doesNotContain("10.1.2.3");
  }

  @Test
  void passThrough_anythingElse_isInternalWithTheGenericMessage() {
    StatusRuntimeException relayed =
        UpstreamErrors.passThrough(new IllegalStateException("secret detail"));

    assertThat(relayed.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(relayed.getStatus().getDescription()).doesNotContain("secret");
  }

  @Test
  void unansweredUnavailable_isTheChannelsOwn_notAReplicasAnswer() {
    assertThat(
            UpstreamErrors.unansweredUnavailable(
                Status.UNAVAILABLE
                    .withCause(new java.net.ConnectException("Connection refused"))
                    .asRuntimeException()))
        .isTrue();
    assertThat(
            UpstreamErrors.unansweredUnavailable(
                new java.util.concurrent.CompletionException(
                    Status.UNAVAILABLE.withCause(new java.io.IOException("reset")).asException())))
        .isTrue();
    assertThat(
            UpstreamErrors.unansweredUnavailable(
                Status.UNAVAILABLE.withDescription("overloaded").asRuntimeException()))
        .as("a replica's own UNAVAILABLE")
        .isFalse();
    assertThat(
            UpstreamErrors.unansweredUnavailable(
                Status.DEADLINE_EXCEEDED.withCause(new RuntimeException()).asRuntimeException()))
        .isFalse();
  }
}
