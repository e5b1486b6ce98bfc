package io.canopy.gateway.predict;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.canopy.gateway.batching.BatchingSettings;
import io.canopy.proto.inference.v1.OutputKind;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.canopy.proto.kserve.v2.InferParameter;
import io.canopy.proto.kserve.v2.InferTensorContents;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import io.canopy.proto.kserve.v2.ModelInferRequest.InferInputTensor;
import io.canopy.proto.kserve.v2.ModelInferRequest.InferRequestedOutputTensor;
import io.canopy.proto.kserve.v2.ModelInferResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class KServeRowsTest {

  private static final BatchingSettings BATCHING =
      new BatchingSettings(true, 4, 8, Duration.ZERO, Set.of("solo"));

  /** One FP32 [rows, 2] input for "m" whose values count 1, 2, 3... */
  private static ModelInferRequest.Builder infer(int rows) {
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (int i = 0; i < rows * 2; i++) {
      contents.addFp32Contents(i + 1);
    }
    return ModelInferRequest.newBuilder()
        .setModelName("m")
        .setId("q-1")
        .addInputs(
            InferInputTensor.newBuilder()
                .setName("x")
                .setDatatype("FP32")
                .addShape(rows)
                .addShape(2)
                .setContents(contents));
  }

  private static ByteString littleEndian(float... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return ByteString.copyFrom(b.array());
  }

  @Test
  void asPredict_typedContents_areTheDenseRowsOfAValuePredict() {
    PredictRequest predict = KServeRows.asPredict(infer(2).build(), "user-1", BATCHING);

    assertThat(predict.getModel()).isEqualTo("m");
    assertThat(predict.getVersionSelectorCase())
        .isEqualTo(PredictRequest.VersionSelectorCase.VERSIONSELECTOR_NOT_SET);
    assertThat(predict.getDense().getNumFeatures()).isEqualTo(2);
    assertThat(predict.getDense().getValuesList()).containsExactly(1f, 2f, 3f, 4f);
    assertThat(predict.getOutput()).isEqualTo(OutputKind.OUTPUT_KIND_VALUE);
    assertThat(predict.getRequestId()).isEqualTo("q-1");
    assertThat(predict.getRoutingKey()).isEqualTo("user-1");
  }

  @Test
  void asPredict_rawLittleEndianInput_isDecoded_andANumericVersionIsExplicit() {
    ModelInferRequest.Builder raw = infer(1).setModelVersion("12");
    raw.getInputsBuilder(0).clearContents();
    raw.addRawInputContents(littleEndian(0.25f, -3f));

    PredictRequest predict = KServeRows.asPredict(raw.build(), "", BATCHING);

    assertThat(predict.getVersion()).isEqualTo(12);
    assertThat(predict.getDense().getValuesList()).containsExactly(0.25f, -3f);
  }

  @Test
  void asPredict_onlyTheOneOutput_mayBeRequested() {
    ModelInferRequest.Builder named = infer(1);
    named.addOutputs(InferRequestedOutputTensor.newBuilder().setName("output-0"));
    assertThat(KServeRows.asPredict(named.build(), "", BATCHING)).isNotNull();
  }

  @Test
  void asPredict_callsServingMightReadDifferently_goAsTheyAre() {
    InferParameter flag = InferParameter.newBuilder().setBoolParam(true).build();
    assertThat(KServeRows.asPredict(infer(1).build(), "", BATCHING)).isNotNull();
    for (UnaryOperator<ModelInferRequest.Builder> change :
        java.util.List.<UnaryOperator<ModelInferRequest.Builder>>of(
            b -> b.putParameters("binary_data_output", flag),
            b -> {
              b.getInputsBuilder(0).putParameters("binary_data", flag);
              return b;
            },
            b -> b.addOutputs(InferRequestedOutputTensor.newBuilder().setName("probabilities")),
            b ->
                b.addOutputs(
                    InferRequestedOutputTensor.newBuilder()
                        .setName("output-0")
                        .putParameters("binary_data", flag)),
            b -> {
              b.getInputsBuilder(0).setDatatype("FP64");
              return b;
            },
            b -> {
              b.getInputsBuilder(0)
                  .setDatatype("BYTES")
                  .setContents(
                      InferTensorContents.newBuilder()
                          .addBytesContents(ByteString.copyFromUtf8("a"))
                          .addBytesContents(ByteString.copyFromUtf8("b")));
              return b;
            },
            b -> {
              b.getInputsBuilder(0).getContentsBuilder().addFp64Contents(1);
              return b;
            },
            b -> b.addInputs(b.getInputs(0)),
            b -> {
              b.getInputsBuilder(0).clearShape().addShape(2);
              return b;
            },
            b -> {
              b.getInputsBuilder(0).getContentsBuilder().addFp32Contents(9);
              return b;
            },
            b -> b.addRawInputContents(littleEndian(1, 2)),
            b -> b.setModelVersion("production"),
            b -> b.setModelVersion("0"),
            b -> b.setModelVersion("99999999999999999999"),
            b -> b.setModelName("solo"),
            b -> b.setModelName(""))) {
      assertThat(KServeRows.asPredict(change.apply(infer(1)).build(), "", BATCHING)).isNull();
    }
  }

  @Test
  void asPredict_moreRowsThanABatchHolds_goesAsItIs() {
    assertThat(KServeRows.asPredict(infer(4).build(), "", BATCHING)).isNotNull();
    assertThat(KServeRows.asPredict(infer(5).build(), "", BATCHING)).isNull();
  }

  @Test
  void asPredict_batchingOff_goesAsItIs() {
    BatchingSettings off = new BatchingSettings(false, 4, 8, Duration.ZERO, Set.of());
    assertThat(KServeRows.asPredict(infer(1).build(), "", off)).isNull();
  }

  @Test
  void answer_isServingsModelInferResponse_withTheCallersId() {
    PredictResponse rows =
        PredictResponse.newBuilder()
            .setModel("m")
            .setVersion(3)
            .setRequestId("batch-first")
            .addShape(2)
            .addShape(2)
            .addValues(0.1f)
            .addValues(0.9f)
            .addValues(0.7f)
            .addValues(0.3f)
            .build();

    ModelInferResponse typed = KServeRows.answer(infer(2).build(), rows);

    assertThat(typed.getModelName()).isEqualTo("m");
    assertThat(typed.getModelVersion()).isEqualTo("3");
    assertThat(typed.getId()).isEqualTo("q-1");
    assertThat(typed.getOutputsCount()).isEqualTo(1);
    assertThat(typed.getOutputs(0).getName()).isEqualTo("output-0");
    assertThat(typed.getOutputs(0).getDatatype()).isEqualTo("FP32");
    assertThat(typed.getOutputs(0).getShapeList()).containsExactly(2L, 2L);
    assertThat(typed.getOutputs(0).getContents().getFp32ContentsList())
        .containsExactly(0.1f, 0.9f, 0.7f, 0.3f);
    assertThat(typed.getRawOutputContentsCount()).isZero();

    ModelInferRequest.Builder rawCaller = infer(2);
    rawCaller.getInputsBuilder(0).clearContents();
    rawCaller.addRawInputContents(littleEndian(1, 2, 3, 4));
    ModelInferResponse raw = KServeRows.answer(rawCaller.build(), rows);
    assertThat(raw.getOutputs(0).hasContents()).isFalse();
    assertThat(raw.getRawOutputContents(0)).isEqualTo(littleEndian(0.1f, 0.9f, 0.7f, 0.3f));
    // And back: what a ModelInfer asked in its own words answers, as Predict's rows.
    assertThat(KServeRows.rows(raw).getValuesList()).isEqualTo(rows.getValuesList());
    assertThat(KServeRows.rows(typed).getShapeList()).containsExactly(2, 2);
    assertThat(KServeRows.rows(typed).getVersion()).isEqualTo(3);
  }
}
