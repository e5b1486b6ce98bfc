package io.canopy.common.memory;

/**
 * The Java heap a set of primitive arrays takes, exactly as HotSpot lays them out with compressed
 * class pointers: a 16-byte header, the elements, padded to 8 bytes. For what a loaded model holds
 * on the heap (the flat forest's arrays).
 */
public final class HeapBytes {

  private static final long HEADER = 16;

  private HeapBytes() {}

  /** The heap of {@code arrays}: primitive arrays or arrays of them; null counts nothing. */
  public static long of(Object... arrays) {
    long total = 0;
    for (Object a : arrays) {
      total += array(a);
    }
    return total;
  }

  private static long array(Object a) {
    return switch (a) {
      case null -> 0;
      case byte[] b -> padded(b.length);
      case boolean[] b -> padded(b.length);
      case short[] s -> padded(2L * s.length);
      case char[] c -> padded(2L * c.length);
      case int[] i -> padded(4L * i.length);
      case float[] f -> padded(4L * f.length);
      case long[] l -> padded(8L * l.length);
      case double[] d -> padded(8L * d.length);
      case Object[] nested -> {
        long sum = padded(4L * nested.length); // compressed references
        for (Object o : nested) {
          sum += array(o);
        }
        yield sum;
      }
      default -> throw new IllegalArgumentException("not an array: " + a.getClass());
    };
  }

  private static long padded(long elements) {
    return (HEADER + elements + 7) & ~7L;
  }
}
