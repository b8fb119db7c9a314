package dev.cdcsync.connectors.load;

import dev.cdcsync.connectors.load.LoadState.KeyRange;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.IntUnaryOperator;

/**
 * Reads what a load misses with several readers at once, and hands the rows over on the calling
 * thread one chunk after another, in the order the chunks were started: a chunk's rows are never
 * mixed with another's, so a commit after a chunk holds whole chunks only.
 *
 * <p>Rows travel in parts of at most {@link #PART_ROWS} rows or {@link #PART_BYTES} bytes; each
 * reader may be about a chunk's worth of parts ahead ({@code partsAhead}) before it waits for the
 * hand-over, so memory stays bounded whatever the table, chunk or row size.
 */
public final class ParallelChunks {

  static final int PART_ROWS = 1024;
  static final long PART_BYTES = 8L << 20;

  /** One connection's reading, in the load's snapshot. */
  public interface Reader extends AutoCloseable {
    /**
     * The first key of the range after about {@code rows} rows, as the database prints it, if the
     * range has more; called only for tables split by a key column.
     */
    Optional<String> boundary(String table, String keyColumn, KeyRange range, int rows)
        throws Exception;

    /** Reads the rows of a range (the whole table when {@code keyColumn} is null) into parts. */
    void read(String table, String keyColumn, KeyRange range, Parts parts) throws Exception;

    @Override
    void close();
  }

  /** Where a reader puts its rows. */
  public interface Parts {
    /** Adds a row whose values take about {@code bytes}; may wait for the hand-over. */
    void add(LoadRow row, long bytes) throws InterruptedException;
  }

  private record Gap(String table, String keyColumn, KeyRange range) {}

  /**
   * Rows of a chunk; {@code chunkEnd} is set on its last part, with the chunk's row count. {@code
   * ahead} is the reader's allowance of parts not handed over yet, returned when this one is.
   */
  private record Part(
      List<LoadRow> rows, Gap chunkEnd, long chunkRows, int reader, Semaphore ahead) {}

  private final int chunkRows;
  private final int partsAhead;

  public ParallelChunks(int chunkRows) {
    this.chunkRows = chunkRows;
    this.partsAhead = Math.max(2, (chunkRows + PART_ROWS - 1) / PART_ROWS + 1);
  }

  /**
   * Reads every range {@code load} misses with these readers, until done or {@code stopped}, and
   * hands the rows to {@code chunks}; rethrows a reader's failure. Each chunk's end carries the
   * load's state with that chunk loaded under the read {@code readOf} gives for its reader's index
   * in {@code readers}.
   *
   * @return the load's state after the last chunk handed over
   */
  public LoadState run(
      LoadState load,
      List<? extends Reader> readers,
      InitialLoad.Chunks chunks,
      IntUnaryOperator readOf,
      BooleanSupplier stopped)
      throws Exception {
    LoadState state = load;
    Deque<Gap> gaps = new ArrayDeque<>();
    load.tables()
        .forEach(
            (table, tableLoad) ->
                tableLoad
                    .missing()
                    .forEach(range -> gaps.add(new Gap(table, tableLoad.keyColumn(), range))));
    BlockingQueue<BlockingQueue<Part>> turns = new LinkedBlockingQueue<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    int[] running = {readers.size()};
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < readers.size(); i++) {
      Reader reader = readers.get(i);
      int index = i;
      Thread thread =
          new Thread(
              () -> {
                // Bounds what this reader has read and not handed over, across its chunks: a
                // chunk's parts may all fit, so a bound per chunk would let it race ahead.
                Semaphore ahead = new Semaphore(partsAhead);
                try {
                  while (!stopped.getAsBoolean()) {
                    BlockingQueue<Part> parts = new LinkedBlockingQueue<>();
                    Gap chunk;
                    synchronized (gaps) {
                      chunk = next(gaps, reader);
                      if (chunk == null) {
                        break;
                      }
                      turns.put(parts);
                    }
                    read(reader, index, chunk, parts, ahead);
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                } finally {
                  synchronized (gaps) {
                    running[0]--;
                  }
                }
              },
              "cdc-sync-load-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
    try {
      while (!stopped.getAsBoolean()) {
        throwIfFailed(failure);
        BlockingQueue<Part> parts = turns.poll(100, TimeUnit.MILLISECONDS);
        if (parts == null) {
          synchronized (gaps) {
            if (running[0] == 0 && turns.isEmpty()) {
              break;
            }
          }
          continue;
        }
        while (!stopped.getAsBoolean()) {
          Part part = parts.poll(100, TimeUnit.MILLISECONDS);
          if (part == null) {
            throwIfFailed(failure);
            continue;
          }
          part.ahead().release();
          if (part.chunkEnd() == null) {
            chunks.rows(part.rows());
          } else {
            String table = part.chunkEnd().table();
            state =
                state.withLoaded(
                    table,
                    part.chunkEnd().range(),
                    readOf.applyAsInt(part.reader()),
                    part.chunkRows());
            chunks.chunkEnd(part.rows(), table, state);
            break;
          }
        }
      }
      throwIfFailed(failure);
      return state;
    } finally {
      threads.forEach(Thread::interrupt);
      for (Thread thread : threads) {
        thread.join(10_000);
      }
    }
  }

  /** The next chunk: a gap split at about {@link #chunkRows} rows, the rest left for later. */
  private Gap next(Deque<Gap> gaps, Reader reader) throws Exception {
    Gap gap = gaps.poll();
    if (gap == null || gap.keyColumn() == null) {
      return gap;
    }
    Optional<String> boundary =
        reader.boundary(gap.table(), gap.keyColumn(), gap.range(), chunkRows);
    if (boundary.isEmpty()) {
      return gap;
    }
    gaps.addFirst(
        new Gap(gap.table(), gap.keyColumn(), new KeyRange(boundary.get(), gap.range().to())));
    return new Gap(gap.table(), gap.keyColumn(), new KeyRange(gap.range().from(), boundary.get()));
  }

  private void read(Reader reader, int index, Gap chunk, BlockingQueue<Part> parts, Semaphore ahead)
      throws Exception {
    List<LoadRow>[] rows = new List[] {new ArrayList<>()};
    long[] bytes = {0};
    long[] total = {0};
    reader.read(
        chunk.table(),
        chunk.keyColumn(),
        chunk.range(),
        (row, size) -> {
          rows[0].add(row);
          bytes[0] += size;
          total[0]++;
          if (rows[0].size() >= PART_ROWS || bytes[0] >= PART_BYTES) {
            ahead.acquire();
            parts.put(new Part(rows[0], null, 0, index, ahead));
            rows[0] = new ArrayList<>();
            bytes[0] = 0;
          }
        });
    ahead.acquire();
    parts.put(new Part(rows[0], chunk, total[0], index, ahead));
  }

  private static void throwIfFailed(AtomicReference<Throwable> failure) throws Exception {
    Throwable thrown = failure.get();
    if (thrown instanceof Exception exception) {
      throw exception;
    }
    if (thrown != null) {
      throw new IllegalStateException("A reader of the initial load failed", thrown);
    }
  }
}
