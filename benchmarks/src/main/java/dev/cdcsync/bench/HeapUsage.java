package dev.cdcsync.bench;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads heap use out of a JVM's GC log ({@code -Xlog:gc}) and out of {@code jcmd GC.heap_info}. */
final class HeapUsage {

  /** {@code 123M->45M(256M)}: heap used before and after a collection, and the heap's size. */
  private static final Pattern COLLECTION =
      Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

  /** {@code total 262144K, used 21504K}: one heap (G1) or generation (Serial, Parallel). */
  private static final Pattern HEAP_SPACE = Pattern.compile("total (\\d+)K, used (\\d+)K");

  private HeapUsage() {}

  /**
   * The most heap used right before any collection in a GC log excerpt, in bytes; empty when the
   * excerpt holds no collection. Heap use only grows between collections, so this is the peak of
   * the excerpt's time span up to its last collection.
   */
  static OptionalLong peakBeforeCollection(String gcLog) {
    Matcher matcher = COLLECTION.matcher(gcLog);
    long peak = -1;
    while (matcher.find()) {
      peak = Math.max(peak, bytes(Long.parseLong(matcher.group(1)), matcher.group(2)));
    }
    return peak < 0 ? OptionalLong.empty() : OptionalLong.of(peak);
  }

  /** The heap in use now according to {@code jcmd <pid> GC.heap_info}, in bytes. */
  static OptionalLong usedInHeapInfo(String heapInfo) {
    Matcher matcher = HEAP_SPACE.matcher(heapInfo);
    long used = 0;
    boolean found = false;
    while (matcher.find()) {
      used += Long.parseLong(matcher.group(2)) * 1024;
      found = true;
    }
    return found ? OptionalLong.of(used) : OptionalLong.empty();
  }

  private static long bytes(long amount, String unit) {
    return switch (unit) {
      case "K" -> amount * 1024;
      case "M" -> amount * 1024 * 1024;
      case "G" -> amount * 1024 * 1024 * 1024;
      default -> throw new IllegalArgumentException("Cannot read GC log size unit: " + unit);
    };
  }
}
