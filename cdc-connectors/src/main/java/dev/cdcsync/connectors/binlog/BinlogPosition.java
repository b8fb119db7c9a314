package dev.cdcsync.connectors.binlog;

/**
 * A place in a MySQL / MariaDB binary log: a file ({@code mariadb-bin.000042}) and a byte offset
 * in it. Positions order as the log is written: by the file's sequence number, then the offset.
 */
record BinlogPosition(String file, long offset) implements Comparable<BinlogPosition> {

  /** A position as {@link #toString} prints it: {@code file:offset}. */
  static BinlogPosition parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("Not a binlog position: " + text);
    }
    return new BinlogPosition(text.substring(0, colon), Long.parseLong(text.substring(colon + 1)));
  }

  @Override
  public int compareTo(BinlogPosition other) {
    int files = Long.compare(sequence(file), sequence(other.file));
    return files != 0 ? files : Long.compare(offset, other.offset);
  }

  /** The file's sequence number, its extension ({@code .000042}). */
  private static long sequence(String file) {
    return Long.parseLong(file.substring(file.lastIndexOf('.') + 1));
  }

  @Override
  public String toString() {
    return file + ":" + offset;
  }
}
