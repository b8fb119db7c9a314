package dev.cdcsync.iceberg;

/** How changes land in a table. */
public enum WriteMode {
  /** The table equals the source table: rows are upserted and deleted by primary key. */
  UPSERT,
  /** The table is a changelog: one row per change, with {@link AppendColumns}. */
  APPEND
}
