package io.canopy.common.grpc;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.error.CanopyException;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.EntityRows;
import io.canopy.proto.inference.v1.NamedRow;
import io.canopy.proto.inference.v1.NamedRows;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import java.util.Collections;
import org.junit.jupiter.api.Test;

class RowLimitTest {

  private final RowLimit limit = new RowLimit(3, "the test's");

  private static PredictRequest dense(int rows, int width) {
    DenseRows.Builder dense = DenseRows.newBuilder().setNumFeatures(width);
    for (int i = 0; i < rows * width; i++) {
      dense.addValues(1f);
    }
    return PredictRequest.newBuilder().setModel("m").setDense(dense).build();
  }

  @Test
  void check_atTheLimit_passes() {
    assertThatCode(() -> limit.check(dense(3, 2))).doesNotThrowAnyException();
    assertThatCode(() -> limit.check(3, "entity_keys")).doesNotThrowAnyException();
  }

  @Test
  void check_denseOverTheLimit_isResourceExhaustedNamingFieldAndLimit() {
    assertThatThrownBy(() -> limit.check(dense(4, 2)))
        .isInstanceOf(CanopyException.ResourceExhausted.class)
        .hasMessage("dense: 4 rows exceed the test's limit of 3 per request");
  }

  @Test
  void check_partialDenseRowCountsAsARow() {
    PredictRequest request =
        PredictRequest.newBuilder()
            .setDense(
                DenseRows.newBuilder().setNumFeatures(2).addAllValues(Collections.nCopies(7, 1f)))
            .build();
    assertThatThrownBy(() -> limit.check(request)).hasMessageStartingWith("dense: 4 rows");
  }

  @Test
  void check_namedAndEntityRowsOverTheLimit_refused() {
    NamedRows.Builder named = NamedRows.newBuilder();
    EntityRows.Builder entities = EntityRows.newBuilder();
    for (int i = 0; i < 4; i++) {
      named.addRows(NamedRow.newBuilder().putFeatures("f", 1f));
      entities.addKeys("k" + i);
    }
    assertThatThrownBy(() -> limit.check(PredictRequest.newBuilder().setNamed(named).build()))
        .hasMessageStartingWith("named: 4 rows");
    assertThatThrownBy(() -> limit.check(PredictRequest.newBuilder().setEntities(entities).build()))
        .hasMessageStartingWith("entities: 4 rows");
    assertThatThrownBy(() -> limit.check(4, "entity_keys"))
        .isInstanceOf(CanopyException.ResourceExhausted.class)
        .hasMessageStartingWith("entity_keys: 4 rows");
  }

  @Test
  void check_kserveFirstDimensionOverTheLimit_refused() {
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .addInputs(ModelInferRequest.InferInputTensor.newBuilder().addShape(1).addShape(2))
            .addInputs(ModelInferRequest.InferInputTensor.newBuilder().addShape(4).addShape(2))
            .build();
    assertThatThrownBy(() -> limit.check(request))
        .hasMessageStartingWith("inputs[1].shape: 4 rows");
  }

  @Test
  void create_nonPositiveLimit_refused() {
    assertThatThrownBy(() -> new RowLimit(0, "x")).isInstanceOf(IllegalArgumentException.class);
  }
}
