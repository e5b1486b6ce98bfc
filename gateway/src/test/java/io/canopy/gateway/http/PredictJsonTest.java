package io.canopy.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.canopy.proto.inference.v1.MissingFeatures;
import io.canopy.proto.inference.v1.OutputKind;
import io.canopy.proto.inference.v1.PredictResponse;
import java.io.IOException;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class PredictJsonTest {

  private static String write(PredictResponse response) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      PredictJson.write(g, response);
    }
    return out.toString();
  }

  private static PredictResponse.Builder response(int... shape) {
    PredictResponse.Builder b =
        PredictResponse.newBuilder()
            .setModel("m")
            .setVersion(2)
            .setSha256("s")
            .setOutput(OutputKind.OUTPUT_KIND_CONTRIBUTIONS);
    for (int dim : shape) {
      b.addShape(dim);
    }
    return b;
  }

  @Test
  void write_oneDimension_isAFlatList() throws IOException {
    String json = write(response(3).addValues(1).addValues(Float.NaN).addValues(0.25f).build());

    assertThat(json)
        .isEqualTo(
            "{\"model\":\"m\",\"version\":2,\"sha256\":\"s\",\"output\":\"contributions\","
                + "\"predictions\":[1.0,null,0.25]}");
  }

  @Test
  void write_threeDimensions_nestsRowMajor() throws IOException {
    PredictResponse.Builder r = response(2, 2, 2);
    for (int i = 0; i < 8; i++) {
      r.addValues(i);
    }

    assertThat(write(r.build()))
        .contains("\"predictions\":[[[0.0,1.0],[2.0,3.0]],[[4.0,5.0],[6.0,7.0]]]");
  }

  @Test
  void write_missingFeaturesAndRequestId_areIncluded() throws IOException {
    String json =
        write(
            response(1)
                .addValues(1)
                .setRequestId("r")
                .addMissingFeatures(MissingFeatures.newBuilder().setRow(0).addFeatures("age"))
                .build());

    assertThat(json).contains("\"request_id\":\"r\"");
    assertThat(json).contains("\"missing_features\":[{\"row\":0,\"features\":[\"age\"]}]");
  }
}
