package dev.cdcsync.bench;

import java.util.Locale;

/** What can be measured; selected with {@code --scenarios}. */
enum Scenario {
  /** Rows per second from cdc-sync's start until the whole snapshot table is visible in Iceberg. */
  SNAPSHOT,
  /** Events per second from the first source update until the last one is visible. */
  STREAMING,
  /** Delay from source commit to visibility under a steady load. */
  FRESHNESS,
  /** CPU time per event, peak RSS and peak heap of cdc-sync during the streaming scenario. */
  CPU,
  /** Many small tables: snapshot, then a few changes in every table. */
  TABLES,
  /**
   * The snapshot killed with SIGKILL once half its rows are visible, then restarted: how long the
   * restarted run takes until every row is visible.
   */
  RESUME;

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
