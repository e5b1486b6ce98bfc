package io.canopy.bench.jmh;

import com.google.protobuf.InvalidProtocolBufferException;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.PredictRequest;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Proto {@code DenseRows} → the {@code float[]} XGBoost takes, at 30 features and batch 1 to 512
 * rows: the indexed getter (no boxing), the boxed {@code List<Float>} view, and the whole path from
 * wire bytes (parse + copy) that a server pays per request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class DenseRowsBenchmark {

  static final int FEATURES = 30;

  @Param({"1", "8", "64", "512"})
  public int batch;

  private DenseRows rows;
  private byte[] wire;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(42);
    DenseRows.Builder dense = DenseRows.newBuilder().setNumFeatures(FEATURES);
    for (int i = 0; i < batch * FEATURES; i++) {
      dense.addValues((float) random.nextDouble(0, 10));
    }
    rows = dense.build();
    wire = PredictRequest.newBuilder().setModel("m").setDense(rows).build().toByteArray();
  }

  @Benchmark
  public float[] indexedGetter() {
    return copy(rows);
  }

  @Benchmark
  public float[] boxedList() {
    List<Float> values = rows.getValuesList();
    float[] out = new float[values.size()];
    int i = 0;
    for (Float v : values) {
      out[i++] = v;
    }
    return out;
  }

  @Benchmark
  public float[] parseAndCopy() throws InvalidProtocolBufferException {
    return copy(PredictRequest.parseFrom(wire).getDense());
  }

  private static float[] copy(DenseRows rows) {
    int n = rows.getValuesCount();
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = rows.getValues(i);
    }
    return out;
  }
}
