package io.canopy.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonFactory;
import io.canopy.common.error.CanopyException;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InferBodyParserTest {

  private final InferBodyParser parser = new InferBodyParser(new JsonFactory(), 2);

  private ModelInferRequest.Builder parse(String json) {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private String invalidField(String json) {
    return catchThrowableOfType(CanopyException.InvalidArgument.class, () -> parse(json)).field();
  }

  private static String input(String shape, String datatype, String data) {
    return "{\"inputs\": [{\"name\": \"x\", \"shape\": "
        + shape
        + ", \"datatype\": \""
        + datatype
        + "\", \"data\": "
        + data
        + "}]}";
  }

  @Test
  void parse_nestedAndFlatData_areFlattenedRowMajor() {
    ModelInferRequest.Builder nested = parse(input("[2, 2]", "FP32", "[[1, 2], [3, null]]"));
    assertThat(nested.getInputs(0).getContents().getFp32ContentsList())
        .containsExactly(1f, 2f, 3f, Float.NaN);
    assertThat(parse(input("[2, 2]", "FP32", "[1, 2, 3, 4]")).getInputs(0).getShapeList())
        .containsExactly(2L, 2L);
  }

  @Test
  void parse_idParametersAndOutputs_areKept() {
    ModelInferRequest.Builder request =
        parse(
            "{\"id\": \"q\", \"parameters\": {\"nthread\": 2, \"explain\": true, \"tag\": \"t\","
                + " \"ratio\": 0.5}, \"inputs\": [{\"name\": \"x\", \"shape\": [1, 1],"
                + " \"datatype\": \"FP32\", \"data\": [7]}],"
                + " \"outputs\": [{\"name\": \"predict\"}]}");

    assertThat(request.getId()).isEqualTo("q");
    assertThat(request.getParametersMap().get("nthread").getInt64Param()).isEqualTo(2);
    assertThat(request.getParametersMap().get("explain").getBoolParam()).isTrue();
    assertThat(request.getParametersMap().get("tag").getStringParam()).isEqualTo("t");
    assertThat(request.getParametersMap().get("ratio").getDoubleParam()).isEqualTo(0.5);
    assertThat(request.getOutputs(0).getName()).isEqualTo("predict");
  }

  @Test
  void parse_dataThatDisagreesWithShape_isInvalid() {
    assertThat(invalidField(input("[2, 2]", "FP32", "[1, 2, 3]"))).isEqualTo("inputs[0].data");
  }

  @Test
  void parse_otherDatatypes_areInvalid() {
    assertThat(invalidField(input("[1, 1]", "FP64", "[1]"))).isEqualTo("inputs[0].datatype");
  }

  @Test
  void parse_missingPieces_areInvalid() {
    assertThat(invalidField("{\"inputs\": []}")).isEqualTo("inputs");
    assertThat(invalidField("{\"parameters\": {\"a\":")).isEqualTo("body");
    assertThat(invalidField("{\"inputs\": [{\"name\": \"x\", \"data\": [[1")).isEqualTo("body");
    assertThat(invalidField("{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\"}]}"))
        .isEqualTo("inputs[0]");
    assertThat(invalidField(input("[-1, 2]", "FP32", "[1, 2]"))).isEqualTo("inputs[0].shape");
    assertThat(invalidField(input("[1, 1]", "FP32", "[\"a\"]"))).isEqualTo("inputs[0].data");
  }

  @Test
  void parse_moreRowsThanTheLimit_isPayloadTooLarge() {
    assertThatThrownBy(() -> parse(input("[3, 1]", "FP32", "[1, 2, 3]")))
        .isInstanceOf(PayloadTooLarge.class);
  }
}
