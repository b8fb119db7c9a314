package dev.cdcsync.api;

/** What a change did to a row. */
public enum OperationType {
  /** A row read by the initial snapshot. */
  READ,
  INSERT,
  UPDATE,
  DELETE,
  /** Every row of the table was removed (TRUNCATE); the event carries no row. */
  TRUNCATE,
  /** The table was dropped (DROP TABLE); the event carries no row. */
  DROP_TABLE
}
