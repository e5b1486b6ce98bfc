package io.canopy.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.canopy.common.error.CanopyException;
import io.canopy.proto.inference.v1.OutputKind;
import io.canopy.proto.inference.v1.PredictRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PredictBodyParserTest {

  private final PredictBodyParser parser =
      new PredictBodyParser(
          JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build(), 3);

  private PredictRequest.Builder parse(String json) {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private String invalidField(String json) {
    return catchThrowableOfType(CanopyException.InvalidArgument.class, () -> parse(json)).field();
  }

  @Test
  void parse_arrayRows_becomeRowMajorDenseWithNullAsNaN() {
    PredictRequest.Builder request = parse("{\"instances\": [[1, -2.5e1], [null, 3]]}");

    assertThat(request.getDense().getNumFeatures()).isEqualTo(2);
    assertThat(request.getDense().getValuesList()).containsExactly(1f, -25f, Float.NaN, 3f);
    assertThat(request.getOutput()).isEqualTo(OutputKind.OUTPUT_KIND_UNSPECIFIED);
  }

  @Test
  void parse_optionalFields_areRead() {
    PredictRequest.Builder request =
        parse(
            "{\"output\": \"contributions\", \"instances\": [[1]], \"request_id\": \"a\","
                + " \"routing_key\": \"user-7\"}");

    assertThat(request.getOutput()).isEqualTo(OutputKind.OUTPUT_KIND_CONTRIBUTIONS);
    assertThat(request.getRequestId()).isEqualTo("a");
    assertThat(request.getRoutingKey()).isEqualTo("user-7");
  }

  @Test
  void parse_namedRows_dropNullsAsMissing() {
    PredictRequest.Builder request = parse("{\"instances\": [{\"a\": 1, \"b\": null}, {}]}");

    assertThat(request.getNamed().getRows(0).getFeaturesMap()).containsOnlyKeys("a");
    assertThat(request.getNamed().getRows(1).getFeaturesMap()).isEmpty();
  }

  @Test
  void parse_entityRows_becomeEntityKeys() {
    PredictRequest.Builder request =
        parse("{\"instances\": [{\"entity\": \"u1\"}, {\"entity\": \"u2\"}]}");

    assertThat(request.getEntities().getKeysList()).containsExactly("u1", "u2");
  }

  @Test
  void parse_entityAndNamedRowsMixed_isInvalid() {
    assertThat(invalidField("{\"instances\": [{\"entity\": \"u1\"}, {\"a\": 1}]}"))
        .isEqualTo("instances[1]");
  }

  @Test
  void parse_rowsOfDifferentWidths_nameTheRow() {
    assertThat(invalidField("{\"instances\": [[1, 2], [3, 4], [5]]}")).isEqualTo("instances[2]");
  }

  @Test
  void parse_nonNumericValue_namesTheCell() {
    assertThat(invalidField("{\"instances\": [[1, \"x\"]]}")).isEqualTo("instances[0][1]");
    assertThat(invalidField("{\"instances\": [{\"a\": true}]}")).isEqualTo("instances[0].a");
  }

  @Test
  void parse_badShapes_areInvalid() {
    assertThat(invalidField("{\"instances\": []}")).isEqualTo("instances");
    assertThat(invalidField("{\"instances\": [[]]}")).isEqualTo("instances[0]");
    assertThat(invalidField("{\"instances\": [1, 2]}")).isEqualTo("instances[0]");
    assertThat(invalidField("{\"instances\": [[1], {\"a\": 1}]}")).isEqualTo("instances[1]");
    assertThat(invalidField("{\"instances\": {}}")).isEqualTo("instances");
    assertThat(invalidField("{}")).isEqualTo("instances");
  }

  @Test
  void parse_unknownFieldOrOutput_isInvalid() {
    assertThat(invalidField("{\"instance\": [[1]]}")).isEqualTo("instance");
    assertThat(invalidField("{\"instances\": [[1]], \"output\": \"probs\"}")).isEqualTo("output");
  }

  @Test
  void parse_malformedJson_namesTheBody() {
    assertThat(invalidField("{\"instances\": [[1, 2]")).isEqualTo("body");
    assertThat(invalidField("{\"instances\": [")).isEqualTo("body");
    assertThat(invalidField("{\"instances\": [{\"a\":")).isEqualTo("body");
    assertThat(invalidField("[[1, 2]]")).isEqualTo("body");
    assertThat(invalidField("")).isEqualTo("body");
    assertThat(invalidField("{\"instances\": [[1]]} {}")).isEqualTo("body");
    assertThat(invalidField("{\"instances\": [{\"a\": 1, \"a\": 2}]}")).isEqualTo("body");
  }

  @Test
  void parse_moreRowsThanTheLimit_isPayloadTooLarge() {
    assertThatThrownBy(() -> parse("{\"instances\": [[1], [2], [3], [4]]}"))
        .isInstanceOf(PayloadTooLarge.class);
    assertThat(parse("{\"instances\": [[1], [2], [3]]}").getDense().getValuesCount()).isEqualTo(3);
  }
}
