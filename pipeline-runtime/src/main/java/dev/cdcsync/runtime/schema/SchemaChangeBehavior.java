package dev.cdcsync.runtime.schema;

/** What happens when a source table's columns change (Flink CDC's {@code schema.change.behavior}). */
public enum SchemaChangeBehavior {
  /** Any change stops the pipeline with a message naming it. */
  EXCEPTION,
  /** Every change is applied; one the sink cannot express stops the pipeline. */
  EVOLVE,
  /** Every change the sink can express is applied; others are reported and skipped. */
  TRY_EVOLVE,
  /** Columns are added (nullable) and widened; a dropped column stays and receives nulls. */
  LENIENT,
  /** Nothing is applied; new columns' values are not written. */
  IGNORE
}
