package io.canopy.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on gRPC failures: the code, and for INVALID_ARGUMENT the field named. */
public final class Statuses {

  private Statuses() {}

  public static StatusRuntimeException assertCode(Status.Code code, ThrowingCallable call) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call);
    assertThat(e).as("expected %s", code).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(code);
    return e;
  }

  /** Asserts INVALID_ARGUMENT whose google.rpc.BadRequest names {@code field}. */
  public static void assertInvalid(String field, ThrowingCallable call) {
    StatusRuntimeException e = assertCode(Status.Code.INVALID_ARGUMENT, call);
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    assertThat(status).isNotNull();
    assertThat(status.getDetailsList()).anySatisfy(d -> assertThat(field(d)).isEqualTo(field));
  }

  private static String field(Any detail) {
    try {
      return detail.unpack(BadRequest.class).getFieldViolations(0).getField();
    } catch (InvalidProtocolBufferException e) {
      return "";
    }
  }
}
