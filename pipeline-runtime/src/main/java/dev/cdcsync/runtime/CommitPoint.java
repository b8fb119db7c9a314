package dev.cdcsync.runtime;

/**
 * Where the next run must commit, the outcome of a run that met a change to a table itself (its
 * columns, a truncate, a drop) inside a source transaction after other changes of that
 * transaction, while the table had uncommitted changes from before it. The table must be
 * committed before the change, and no commit may cut into the transaction; so the run ends, and
 * the next run from the newest checkpoint commits at the transaction's start (the boundary after
 * {@link #events()} source events), where the change then applies. The pipeline process starts
 * that run at once; meeting the same point again is permanent.
 *
 * @param checkpointId the newest checkpoint, which the next run resumes after
 * @param events source events from that checkpoint's position to the transaction's start
 * @param reason what could not be done, e.g. "Cannot truncate table public.items in the middle of
 *     a source transaction whose earlier changes are not committed"
 */
public record CommitPoint(long checkpointId, long events, String reason) {}
