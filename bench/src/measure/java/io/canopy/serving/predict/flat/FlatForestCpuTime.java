package io.canopy.serving.predict.flat;

import com.google.gson.Gson;
import io.canopy.common.memory.HeapBytes;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The flat forest's {@code margins} per row, in this thread's CPU time, against baseline builds of
 * serving-service (their jars, each loaded in a class loader of its own) in the same run: all are
 * called in alternation, 41 samples each per batch size (after every model has run every batch size
 * three times), and the minimum and median of each are printed with this build's ratio to each. CPU
 * time, not wall time, because on a shared machine a sample of wall time mostly measures the other
 * processes; the figures still include what they do to the caches. Not a test (performance is never
 * asserted). Arguments: the baseline jar (or several, comma-separated), then model files (UBJ):
 *
 * <pre>
 * mvn -B -q -pl bench -am package -DskipTests \
 *   -Dmeasure.main=io.canopy.serving.predict.flat.FlatForestCpuTime \
 *   -Dmeasure.args="/tmp/serving-main.jar /tmp/canopy-jmh-flat-100x6-seed42.ubj \
 *     /tmp/canopy-jmh-flat-1000x8-seed42.ubj"
 * </pre>
 *
 * (FlatForestBenchmark writes those two models to the temp directory.) Rows: 30 floats a row as the
 * benchmark draws them (Gaussian, 5 % NaN, seed 7), distinct batches cycled.
 */
public final class FlatForestCpuTime {

  private static final int[] BATCHES = {1, 8, 64, 512};
  private static final int SAMPLES = 41;
  private static final int WARM_UP = 10;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private FlatForestCpuTime() {}

  /** One build's forest and its margins method. */
  private record Build(String name, Object forest, Method margins) {

    static Build of(String name, ClassLoader loader, byte[] ubj) throws Exception {
      Class<?> compiler = loader.loadClass(ForestCompiler.class.getName());
      Object forest = compiler.getMethod("compileUbj", byte[].class).invoke(null, (Object) ubj);
      Method margins =
          forest.getClass().getMethod("margins", float[].class, int.class, float[].class);
      return new Build(name, forest, margins);
    }

    long heapBytes() throws Exception {
      return (long) forest.getClass().getMethod("heapBytes").invoke(forest);
    }

    /** CPU nanoseconds for {@code calls} calls over the batches. */
    long time(float[][] batches, int batch, int calls, float[] out) throws Exception {
      long start = THREADS.getCurrentThreadCpuTime();
      for (int c = 0; c < calls; c++) {
        margins.invoke(forest, batches[c % batches.length], batch, out);
      }
      return THREADS.getCurrentThreadCpuTime() - start;
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: <baseline serving jar>[,<jar>...] <model.ubj>...");
    }
    List<String> names = new ArrayList<>();
    List<URLClassLoader> loaders = new ArrayList<>();
    for (String jar : args[0].split(",")) {
      // A baseline's own dependencies are this run's: common, lightgbm, gson.
      URL[] urls = {
        Path.of(jar).toUri().toURL(),
        location(HeapBytes.class),
        location(io.canopy.lightgbm.Tree.class),
        location(Gson.class)
      };
      names.add(Path.of(jar).getFileName().toString().replaceFirst("\\.jar$", ""));
      loaders.add(new URLClassLoader(urls, ClassLoader.getPlatformClassLoader()));
    }
    try {
      List<List<Build>> models = new ArrayList<>();
      for (int m = 1; m < args.length; m++) {
        byte[] ubj = Files.readAllBytes(Path.of(args[m]));
        List<Build> builds = new ArrayList<>();
        for (int b = 0; b < loaders.size(); b++) {
          builds.add(Build.of(names.get(b), loaders.get(b), ubj));
        }
        builds.add(Build.of("this", FlatForestCpuTime.class.getClassLoader(), ubj));
        models.add(builds);
      }
      // Every model and batch size is walked before any is measured: code paths compiled on one
      // model's or size's profile and recompiled on another's would be measured half-compiled
      // (the first model measured read bimodal at batch 1 when each model was warmed on its own).
      for (int round = 0; round < 3; round++) {
        for (List<Build> builds : models) {
          for (int batch : BATCHES) {
            measure(builds, batch);
          }
        }
      }
      for (int m = 1; m < args.length; m++) {
        List<Build> builds = models.get(m - 1);
        StringBuilder heap = new StringBuilder(Path.of(args[m]).getFileName() + ": heap");
        for (Build build : builds) {
          heap.append(String.format(" %s %d B", build.name(), build.heapBytes()));
        }
        System.out.println(heap);
        for (int batch : BATCHES) {
          System.out.println("  batch " + batch + ": " + measure(builds, batch));
        }
      }
    } finally {
      for (URLClassLoader loader : loaders) {
        loader.close();
      }
    }
  }

  private static String measure(List<Build> builds, int batch) throws Exception {
    int features = 30;
    SplittableRandom random = new SplittableRandom(7);
    float[][] batches = new float[Math.max(4, 4096 / batch)][batch * features];
    for (float[] rows : batches) {
      for (int i = 0; i < rows.length; i++) {
        rows[i] = random.nextDouble() < 0.05 ? Float.NaN : (float) random.nextGaussian();
      }
    }
    float[] out = new float[batch];
    int calls = Math.max(1, 512 / batch);
    List<long[]> samples = new ArrayList<>();
    for (int b = 0; b < builds.size(); b++) {
      samples.add(new long[SAMPLES]);
    }
    for (int s = -WARM_UP; s < SAMPLES; s++) {
      for (int b = 0; b < builds.size(); b++) {
        long nanos = builds.get(b).time(batches, batch, calls, out);
        if (s >= 0) {
          samples.get(b)[s] = nanos;
        }
      }
    }
    double perRow = 1000.0 * calls * batch;
    StringBuilder line = new StringBuilder();
    double[] medians = new double[builds.size()];
    for (int b = 0; b < builds.size(); b++) {
      long[] sorted = samples.get(b);
      Arrays.sort(sorted);
      medians[b] = sorted[SAMPLES / 2] / perRow;
      line.append(
          String.format(
              "%s min %.3f median %.3f µs/row; ",
              builds.get(b).name(), sorted[0] / perRow, medians[b]));
    }
    int self = builds.size() - 1;
    for (int b = 0; b < self; b++) {
      line.append(
          String.format(
              "this ÷ %s (medians) %.2f; ", builds.get(b).name(), medians[self] / medians[b]));
    }
    return line.toString().strip();
  }

  private static URL location(Class<?> type) {
    return type.getProtectionDomain().getCodeSource().getLocation();
  }
}
