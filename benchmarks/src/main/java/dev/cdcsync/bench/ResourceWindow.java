package dev.cdcsync.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Measures one process from {@link #begin} to {@link #end}: CPU time from {@code /proc/<pid>/stat}
 * (through {@link ProcessHandle.Info#totalCpuDuration()}, which reads utime + stime there), peak
 * RSS from {@code VmHWM} in {@code /proc/<pid>/status} (reset at the start through {@code
 * clear_refs}), and peak heap from the process's GC log plus one {@code jcmd GC.heap_info} at the
 * end.
 */
final class ResourceWindow {

  private static final double MEGABYTE = 1024.0 * 1024.0;

  private final ProcessHandle process;
  private final Path gcLog;
  private final long gcLogOffset;
  private final Duration cpuAtStart;

  private ResourceWindow(ProcessHandle process, Path gcLog, long gcLogOffset, Duration cpuAtStart) {
    this.process = process;
    this.gcLog = gcLog;
    this.gcLogOffset = gcLogOffset;
    this.cpuAtStart = cpuAtStart;
  }

  static ResourceWindow begin(ProcessHandle process, Path gcLog) {
    resetPeakResidentSetSize(process.pid());
    return new ResourceWindow(process, gcLog, sizeOf(gcLog), cpu(process));
  }

  /** The GC log's length so far; 0 before the JVM has created it. */
  private static long sizeOf(Path gcLog) {
    try {
      return Files.size(gcLog);
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * What the process used since {@link #begin}.
   *
   * @param events the events it handled meanwhile, to divide its CPU time by
   */
  ResourceUsage end(long events) throws IOException, InterruptedException {
    Duration cpu = cpu(process).minus(cpuAtStart);
    long peakRss = statusKilobytes(process.pid(), "VmHWM") * 1024;
    OptionalLong heapNow = heapInUse();
    OptionalLong heapBeforeCollections = HeapUsage.peakBeforeCollection(gcLogSinceStart());
    OptionalDouble peakHeap = OptionalDouble.empty();
    if (heapNow.isPresent() || heapBeforeCollections.isPresent()) {
      long peak = Math.max(heapNow.orElse(0), heapBeforeCollections.orElse(0));
      peakHeap = OptionalDouble.of(peak / MEGABYTE);
    }
    double micros = cpu.toNanos() / 1000.0 / Math.max(events, 1);
    return new ResourceUsage(
        micros, OptionalDouble.of(peakRss / MEGABYTE), peakHeap, OptionalDouble.empty());
  }

  /** Whether the kernel lets the benchmark reset a process's VmHWM (Linux 4.0+, same user). */
  static boolean canResetPeakResidentSetSize() {
    return Files.isWritable(Path.of("/proc/self/clear_refs"));
  }

  private static void resetPeakResidentSetSize(long pid) {
    try {
      Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
    } catch (IOException e) {
      // VmHWM then counts from the process's start; the output says so
      // (canResetPeakResidentSetSize).
    }
  }

  /** The process's CPU time so far (user + system, all threads). */
  static Duration cpu(ProcessHandle process) {
    return process
        .info()
        .totalCpuDuration()
        .orElseThrow(
            () ->
                new IllegalStateException("Cannot read the CPU time of process " + process.pid()));
  }

  private static long statusKilobytes(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip());
      }
    }
    throw new IOException(
        "Cannot read " + field + " of process " + pid + ": not in /proc/" + pid + "/status");
  }

  private OptionalLong heapInUse() throws InterruptedException {
    try {
      String info =
          JavaTools.run(
              List.of(JavaTools.jcmd().toString(), Long.toString(process.pid()), "GC.heap_info"),
              60);
      return HeapUsage.usedInHeapInfo(info);
    } catch (IOException e) {
      System.err.println(
          "[bench] cannot ask cdc-sync for its heap ("
              + e.getMessage()
              + "); using its GC log only");
      return OptionalLong.empty();
    }
  }

  private String gcLogSinceStart() throws IOException {
    if (!Files.exists(gcLog)) {
      return "";
    }
    try (RandomAccessFile file = new RandomAccessFile(gcLog.toFile(), "r")) {
      long length = file.length();
      if (length <= gcLogOffset) {
        return "";
      }
      byte[] bytes = new byte[(int) (length - gcLogOffset)];
      file.seek(gcLogOffset);
      file.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }
}
