package dev.cdcsync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class HeapUsageTest {

  private static final long MB = 1024 * 1024;

  @Test
  void peakIsTheMostHeapUsedBeforeAnyCollection() {
    String log =
        """
        [0.012s][info][gc] Using G1
        [1.204s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(256M) 3.456ms
        [2.501s][info][gc] GC(1) Pause Young (Concurrent Start) (G1 Humongous Allocation) 180M->95M(256M) 8.1ms
        [2.530s][info][gc] GC(2) Concurrent Mark Cycle 25.3ms
        [4.002s][info][gc] GC(3) Pause Full (G1 Compaction Pause) 1G->400M(1024M) 120.0ms
        [5.000s][info][gc] GC(4) Pause Young (Normal) (G1 Evacuation Pause) 512000K->20000K(1048576K) 2.0ms
        """;

    assertThat(HeapUsage.peakBeforeCollection(log)).isEqualTo(OptionalLong.of(1024 * MB));
  }

  @Test
  void noCollectionNoPeak() {
    assertThat(HeapUsage.peakBeforeCollection("[0.012s][info][gc] Using G1\n")).isEmpty();
    assertThat(HeapUsage.peakBeforeCollection("")).isEmpty();
  }

  @Test
  void heapInfoOfG1CountsTheHeapNotMetaspace() {
    String info =
        """
        12345:
         garbage-first heap   total 262144K, used 21504K [0x00000000c0000000, 0x0000000100000000)
          region size 1024K, 18 young (18432K), 2 survivors (2048K)
         Metaspace       used 10542K, committed 10752K, reserved 1114112K
          class space    used 1135K, committed 1216K, reserved 1048576K
        """;

    assertThat(HeapUsage.usedInHeapInfo(info)).isEqualTo(OptionalLong.of(21504L * 1024));
  }

  @Test
  void heapInfoOfSerialAddsItsGenerations() {
    String info =
        """
        12345:
         def new generation   total 4928K, used 1763K [0x00000000c0000000, 0x00000000c0550000, 0x00000000d5550000)
          eden space 4416K,  39% used [0x00000000c0000000, 0x00000000c01b8c18, 0x00000000c0450000)
         tenured generation   total 10944K, used 100K [0x00000000d5550000, 0x00000000d6000000, 0x0000000100000000)
         Metaspace       used 10542K, committed 10752K, reserved 1114112K
        """;

    assertThat(HeapUsage.usedInHeapInfo(info)).isEqualTo(OptionalLong.of(1863L * 1024));
    assertThat(HeapUsage.usedInHeapInfo("no heap here")).isEmpty();
  }
}
