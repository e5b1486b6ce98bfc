package io.canopy.common.memory;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Memory;
import org.junit.jupiter.api.Test;

class NativeHeapTest {

  @Test
  void inUse_growsByWhatMallocHandsOut_andFallsWhenItIsFreed() {
    long before = NativeHeap.inUse().orElseThrow();
    Memory block = new Memory(64L << 20); // JNA allocates with malloc
    block.setByte((64L << 20) - 1, (byte) 1);
    long during = NativeHeap.inUse().orElseThrow();
    block.close();
    long after = NativeHeap.inUse().orElseThrow();

    assertThat(during - before).isBetween(64L << 20, (64L << 20) + (8L << 20));
    assertThat(during - after).isBetween(63L << 20, (64L << 20) + (8L << 20));
  }
}
