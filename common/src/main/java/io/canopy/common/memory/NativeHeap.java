package io.canopy.common.memory;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;
import java.util.OptionalLong;

/**
 * The C heap's bytes in use, from glibc's {@code mallinfo2()}: what native libraries (XGBoost,
 * LightGBM) hold through {@code malloc}, whether in the main heap, other arenas or their own
 * mappings ({@code uordblks + hblkhd}). Memory freed but kept by the allocator is not counted,
 * unlike the process's resident set. Empty where there is no glibc 2.33 or later.
 */
public final class NativeHeap {

  /** glibc's {@code struct mallinfo2}: every field a {@code size_t}. */
  @Structure.FieldOrder({
    "arena",
    "ordblks",
    "smblks",
    "hblks",
    "hblkhd",
    "usmblks",
    "fsmblks",
    "uordblks",
    "fordblks",
    "keepcost"
  })
  public static class MallInfo2 extends Structure implements Structure.ByValue {
    public long arena;
    public long ordblks;
    public long smblks;
    public long hblks;
    public long hblkhd;
    public long usmblks;
    public long fsmblks;
    public long uordblks;
    public long fordblks;
    public long keepcost;
  }

  private interface C extends Library {
    MallInfo2 mallinfo2();
  }

  private static final C LIBC = load();

  private NativeHeap() {}

  private static C load() {
    try {
      C c = Native.load("c", C.class);
      c.mallinfo2(); // glibc before 2.33 has no such symbol
      return c;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return null;
    }
  }

  /** Bytes the C heap has handed out and not had back, or empty when unknown. */
  public static OptionalLong inUse() {
    if (LIBC == null) {
      return OptionalLong.empty();
    }
    MallInfo2 info = LIBC.mallinfo2();
    return OptionalLong.of(info.uordblks + info.hblkhd);
  }
}
