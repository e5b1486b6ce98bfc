package io.canopy.common.error;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.Test;

class ErrorMappingTest {

  @Test
  void toStatusException_messageQuotingAHugeName_isClippedToFitATrailer() {
    String name = "x".repeat(10_000);
    String message = "model '" + name + "' not found";

    StatusRuntimeException notFound =
        ErrorMapping.toStatusException(new CanopyException.NotFound(message));
    StatusRuntimeException invalid =
        ErrorMapping.toStatusException(
            new CanopyException.InvalidArgument("labels", "key '" + name + "' is bad"));

    assertThat(notFound.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(notFound.getStatus().getDescription())
        .hasSizeLessThan(600)
        .startsWith("model 'xxx")
        .endsWith("(" + message.length() + " characters)");
    com.google.rpc.Status details = StatusProto.fromThrowable(invalid);
    assertThat(details.getMessage()).hasSizeLessThan(600).startsWith("labels: key 'xxx");
    assertThat(details.getSerializedSize()).isLessThan(2_000);
  }

  @Test
  void toStatusException_shortMessage_isKeptWhole() throws Exception {
    StatusRuntimeException invalid =
        ErrorMapping.toStatusException(
            new CanopyException.InvalidArgument("dense.values", "value 3 is infinite"));

    com.google.rpc.Status details = StatusProto.fromThrowable(invalid);
    assertThat(details.getMessage()).isEqualTo("dense.values: value 3 is infinite");
    assertThat(details.getDetails(0).unpack(BadRequest.class).getFieldViolations(0).getField())
        .isEqualTo("dense.values");
  }
}
