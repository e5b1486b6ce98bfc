package io.canopy.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on gRPC failures: by status code, and by the field a BadRequest names. */
public final class GrpcAssertions {

  private GrpcAssertions() {}

  public static void assertCode(ThrowingCallable call, Status.Code code) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
  }

  public static void assertInvalidField(ThrowingCallable call, String field) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              com.google.rpc.Status status = StatusProto.fromThrowable(e);
              assertThat(status).isNotNull();
              BadRequest badRequest =
                  status.getDetailsList().stream()
                      .filter(d -> d.is(BadRequest.class))
                      .map(GrpcAssertions::badRequest)
                      .findFirst()
                      .orElseThrow(() -> new AssertionError("no BadRequest details"));
              assertThat(badRequest.getFieldViolationsList())
                  .extracting(BadRequest.FieldViolation::getField)
                  .containsExactly(field);
            });
  }

  private static BadRequest badRequest(Any any) {
    try {
      return any.unpack(BadRequest.class);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
