package dev.cdcsync.connectors.postgres;

import java.util.Arrays;

/**
 * Which transactions a PostgreSQL snapshot shows, from its text ({@code txid_current_snapshot()},
 * e.g. {@code 748:752:748,750}): those before {@code xmin}, and those before {@code xmax} not in
 * progress when it was taken. Transaction ids there have 64 bits (epoch and 32-bit id); the change
 * stream gives the 32-bit id, which is read in the epoch that puts it closest below {@code xmax}.
 */
record PostgresSnapshotVisibility(long xmin, long xmax, long[] inProgress) {

  static PostgresSnapshotVisibility parse(String text) {
    String[] parts = text.split(":", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("Not a PostgreSQL snapshot: '" + text + "'");
    }
    long[] running =
        parts[2].isEmpty()
            ? new long[0]
            : Arrays.stream(parts[2].split(",")).mapToLong(Long::parseLong).sorted().toArray();
    return new PostgresSnapshotVisibility(
        Long.parseLong(parts[0]), Long.parseLong(parts[1]), running);
  }

  /** Whether the snapshot shows the changes of the transaction with this 32-bit id. */
  boolean shows(long transactionId32) {
    long id = widen(transactionId32 & 0xFFFF_FFFFL);
    if (id < xmin) {
      return true;
    }
    if (id >= xmax) {
      return false;
    }
    return Arrays.binarySearch(inProgress, id) < 0;
  }

  private long widen(long id32) {
    long epoch = xmax >>> 32;
    long id = (epoch << 32) | id32;
    // An id a little above xmax's low bits belongs to the epoch before.
    if (id > xmax + (1L << 31) && epoch > 0) {
      id -= 1L << 32;
    }
    return id;
  }
}
