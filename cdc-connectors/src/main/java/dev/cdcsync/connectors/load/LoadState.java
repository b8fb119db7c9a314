package dev.cdcsync.connectors.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an initial load has read so far, as stored with each checkpoint: per table, the key ranges
 * whose rows are committed and under which database snapshot each was read. Immutable; a resumed
 * load reads the ranges no segment covers.
 *
 * @param reads the database snapshots rows were read under, in order: PostgreSQL's first is the
 *     one exported with the replication slot (exactly the stream's starting point); each later one
 *     was taken by a start that resumed the load, and the stream's changes it already shows are
 *     left out for the rows read under it (see {@link Read}); MariaDB's are one per reader
 * @param tables per table ({@code schema.table}), what is loaded
 * @param complete every table is loaded
 * @param id the load's identity, the same across its restarts (null in a state stored before it
 *     was kept)
 * @param captured what the source's option {@code tables} selected when the state was stored
 *     (MariaDB: Debezium's database and table include lists), to tell the tables that join the
 *     capture later; null where the source does not keep it, or in a state stored before it was
 *     kept
 * @param replacing the tables whose rows replace what their sink tables hold (tables that joined
 *     the capture: rows there are from before, if any)
 */
public record LoadState(
    List<Read> reads,
    Map<String, TableLoad> tables,
    boolean complete,
    String id,
    Map<String, String> captured,
    List<String> replacing) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public LoadState {
    reads = List.copyOf(reads);
    tables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tables));
    captured = captured == null ? null : Map.copyOf(captured);
    replacing = replacing == null ? List.of() : List.copyOf(replacing);
  }

  /** A complete load, nothing to absorb any more: all that matters once a load is over. */
  public static LoadState complete(Map<String, String> captured) {
    return new LoadState(List.of(), Map.of(), true, null, captured, List.of());
  }

  /**
   * A database snapshot rows were read under.
   *
   * @param visibility PostgreSQL: the snapshot's transactions as the database prints them ({@code
   *     xmin:xmax:xip,...}), to tell whether a streamed change is one it shows; MariaDB: empty
   *     (its binlog position tells)
   * @param lsn a log position after every change the snapshot shows; streamed changes at or after
   *     it are never shown by it (MariaDB: exactly its binlog position, {@code file:offset})
   * @param exact the snapshot is the replication slot's own: it shows exactly the changes before
   *     the stream's start, none after
   */
  public record Read(String visibility, String lsn, boolean exact) {}

  /**
   * The type of a column a table is split by, and how its values order: as the database orders
   * them, so that a key falls in the same range here as in the database's range query. Keys are
   * kept as the database prints them.
   */
  public enum KeyType {
    /** smallint, integer, bigint. */
    INTEGER,
    /** uuid, ordered byte by byte (unsigned), as PostgreSQL orders it. */
    UUID,
    /**
     * text or varchar under a collation that orders by code point ({@code C}, {@code POSIX},
     * {@code ucs_basic}, {@code C.UTF-8} of the builtin provider): UTF-8's byte order.
     */
    TEXT,
    /**
     * numeric, as PostgreSQL orders it: {@code -Infinity}, then the numbers by value, then {@code
     * Infinity}, then {@code NaN}.
     */
    DECIMAL,
    /**
     * date, as PostgreSQL prints it ({@code 2024-05-06}, {@code 0044-03-15 BC}, {@code infinity},
     * {@code -infinity}), ordered by the calendar.
     */
    DATE,
    /**
     * timestamp without time zone, as PostgreSQL prints it ({@code 2024-05-06 07:08:09.5}),
     * ordered like {@link #DATE} and then by the time of day.
     */
    TIMESTAMP,
    /** timestamptz: its time in UTC, printed and ordered as a {@link #TIMESTAMP}. */
    TIMESTAMPTZ,
    /**
     * bytea, BINARY, VARBINARY: the bytes in upper-case hex, ordered byte by byte (unsigned), a
     * shorter value before a longer one it starts, as both databases order them.
     */
    BYTES;

    public int compare(String a, String b) {
      return switch (this) {
        case INTEGER -> Long.compare(Long.parseLong(a), Long.parseLong(b));
        case UUID -> {
          java.util.UUID x = java.util.UUID.fromString(a);
          java.util.UUID y = java.util.UUID.fromString(b);
          int high = Long.compareUnsigned(x.getMostSignificantBits(), y.getMostSignificantBits());
          yield high != 0
              ? high
              : Long.compareUnsigned(x.getLeastSignificantBits(), y.getLeastSignificantBits());
        }
        case TEXT -> compareCodePoints(a, b);
        // Upper-case hex digits order as their values, two to a byte.
        case BYTES -> a.compareTo(b);
        case DATE, TIMESTAMP, TIMESTAMPTZ ->
            Arrays.compare(DateTimes.sortKey(a), DateTimes.sortKey(b));
        case DECIMAL -> {
          int rank = Integer.compare(decimalRank(a), decimalRank(b));
          yield rank != 0 || decimalRank(a) != 1
              ? rank
              : new BigDecimal(a).compareTo(new BigDecimal(b));
        }
      };
    }

    /** Where a numeric's text sorts: -Infinity 0, a number 1, Infinity 2, NaN 3. */
    private static int decimalRank(String text) {
      return switch (text) {
        case "-Infinity" -> 0;
        case "Infinity" -> 2;
        case "NaN" -> 3;
        default -> 1;
      };
    }

    /** Code point order; String.compareTo orders UTF-16 units, which differs past U+FFFF. */
    private static int compareCodePoints(String a, String b) {
      int i = 0;
      int j = 0;
      while (i < a.length() && j < b.length()) {
        int x = a.codePointAt(i);
        int y = b.codePointAt(j);
        if (x != y) {
          return Integer.compare(x, y);
        }
        i += Character.charCount(x);
        j += Character.charCount(y);
      }
      return Boolean.compare(i < a.length(), j < b.length());
    }

    /** A key value of a change event as kept in a range; null when it is not of this type. */
    public String text(Object value) {
      return switch (this) {
        case INTEGER ->
            value instanceof Long || value instanceof Integer || value instanceof Short
                ? value.toString()
                : null;
        case UUID -> value instanceof java.util.UUID uuid ? uuid.toString() : null;
        case TEXT -> value instanceof String text ? text : null;
        case DATE -> value instanceof LocalDate date ? DateTimes.text(date) : null;
        case TIMESTAMP -> value instanceof LocalDateTime time ? DateTimes.text(time) : null;
        case BYTES -> value instanceof byte[] bytes ? HEX.formatHex(bytes) : null;
        case TIMESTAMPTZ ->
            value instanceof Instant instant
                ? DateTimes.text(
                    LocalDateTime.ofEpochSecond(
                        instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC))
                : null;
        // numeric(p, s) arrives as a decimal, numeric as its exact text (NaN and infinities too).
        case DECIMAL ->
            value instanceof BigDecimal decimal
                ? decimal.toPlainString()
                : value instanceof String text ? text : null;
      };
    }

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private Comparator<String> order() {
      return Comparator.nullsFirst(this::compare);
    }
  }

  /**
   * One table's load.
   *
   * @param keyColumn the column its key ranges are of; null when the table is read whole
   * @param keyType that column's type (a state stored before it was kept: integer)
   * @param segments the loaded ranges, ordered and not overlapping
   */
  public record TableLoad(String keyColumn, KeyType keyType, List<Segment> segments) {
    public TableLoad {
      segments = List.copyOf(segments);
      if (keyColumn != null && keyType == null) {
        keyType = KeyType.INTEGER;
      }
    }

    /** Whether every row of the table is loaded. */
    public boolean loaded() {
      return missing().isEmpty();
    }

    /** The key ranges no segment covers, in order. */
    public List<KeyRange> missing() {
      List<KeyRange> gaps = new ArrayList<>();
      String from = null;
      boolean fromOpen = true;
      for (Segment segment : segments) {
        KeyRange range = segment.range();
        boolean gap =
            fromOpen
                ? range.from() != null
                : range.from() == null || keyType.compare(range.from(), from) > 0;
        if (gap) {
          gaps.add(new KeyRange(fromOpen ? null : from, range.from()));
        }
        if (range.to() == null) {
          return gaps;
        }
        from = range.to();
        fromOpen = false;
      }
      gaps.add(new KeyRange(fromOpen ? null : from, null));
      return gaps;
    }

    /** Rows loaded, as counted when each range was read. */
    public long rows() {
      return segments.stream().mapToLong(Segment::rows).sum();
    }

    /** Chunks loaded. */
    public long chunks() {
      return segments.stream().mapToLong(Segment::chunks).sum();
    }

    /**
     * About how many chunks of {@code chunkRows} the table has in all, loaded or not, for a table
     * of about {@code estimatedRows} rows.
     */
    public long expectedChunks(long estimatedRows, int chunkRows) {
      if (loaded()) {
        return chunks();
      }
      if (keyColumn == null) {
        return chunks() + 1;
      }
      long left = Math.max(0, estimatedRows - rows());
      return chunks() + Math.max(1, (left + chunkRows - 1) / chunkRows);
    }

    /**
     * The segment whose range holds the key (a change event's value of the key column), if any; a
     * table read whole has one for all keys.
     */
    public Optional<Segment> segmentOf(Object key) {
      String text = keyType == null ? null : keyType.text(key);
      for (Segment segment : segments) {
        if (keyColumn == null || (text != null && segment.range().contains(text, keyType))) {
          return Optional.of(segment);
        }
      }
      return Optional.empty();
    }

    /**
     * This load with a chunk of {@code rows} rows read under the snapshot {@code read} added,
     * neighbours merged.
     */
    public TableLoad with(KeyRange range, int read, long rows) {
      List<Segment> all = new ArrayList<>(segments);
      all.add(new Segment(range, read, rows, 1));
      if (keyType != null) {
        all.sort(
            Comparator.comparing((Segment segment) -> segment.range().from(), keyType.order()));
      }
      List<Segment> merged = new ArrayList<>();
      for (Segment segment : all) {
        Segment last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
        if (last != null
            && last.read() == segment.read()
            && last.range().to() != null
            && last.range().to().equals(segment.range().from())) {
          merged.set(
              merged.size() - 1,
              new Segment(
                  new KeyRange(last.range().from(), segment.range().to()),
                  last.read(),
                  last.rows() + segment.rows(),
                  last.chunks() + segment.chunks()));
        } else {
          merged.add(segment);
        }
      }
      return new TableLoad(keyColumn, keyType, merged);
    }
  }

  /**
   * Keys from {@code from} (inclusive) to {@code to} (exclusive), as the database prints them;
   * null is unbounded on that side.
   */
  public record KeyRange(String from, String to) {
    public static final KeyRange ALL = new KeyRange(null, null);

    public boolean contains(String key, KeyType type) {
      return (from == null || type.compare(key, from) >= 0)
          && (to == null || type.compare(key, to) < 0);
    }

    @Override
    public String toString() {
      return "[" + (from == null ? "-∞" : from) + ", " + (to == null ? "∞" : to) + ")";
    }
  }

  /**
   * A loaded key range, the index in {@link #reads} of the snapshot it was read under, and the rows
   * and chunks it was read in (for progress reports; 0 in a state stored before they were kept).
   */
  public record Segment(KeyRange range, int read, long rows, long chunks) {}

  /** A table's key column and its type; both null for a table read whole. */
  public record Key(String column, KeyType type) {
    public static final Key NONE = new Key(null, null);
  }

  /** A load of these tables (each split by its key), nothing read yet. */
  public static LoadState starting(Map<String, Key> keys) {
    Map<String, TableLoad> tables = new LinkedHashMap<>();
    keys.forEach(
        (table, key) -> tables.put(table, new TableLoad(key.column(), key.type(), List.of())));
    return new LoadState(
        List.of(),
        tables,
        tables.isEmpty(),
        java.util.UUID.randomUUID().toString(),
        null,
        List.of());
  }

  /**
   * This state with more tables to load (tables that joined the capture), as a load of its own: a
   * new id, so that no sink table counts as holding its rows only.
   *
   * @param replace whether their rows replace what their sink tables hold (see {@link
   *     #replacing}); otherwise they are written over it, key by key
   */
  public LoadState withTables(Map<String, Key> keys, boolean replace) {
    Map<String, TableLoad> all = new LinkedHashMap<>(tables);
    keys.forEach(
        (table, key) -> all.put(table, new TableLoad(key.column(), key.type(), List.of())));
    boolean done = all.values().stream().allMatch(TableLoad::loaded);
    return new LoadState(
        reads,
        all,
        done,
        java.util.UUID.randomUUID().toString(),
        captured,
        replace ? List.copyOf(keys.keySet()) : List.of());
  }

  /** This state with one more snapshot to read under; its index is {@code reads().size()}. */
  public LoadState withRead(Read read) {
    List<Read> all = new ArrayList<>(reads);
    all.add(read);
    return new LoadState(all, tables, complete, id, captured, replacing);
  }

  /** This state with what the source's option {@code tables} selects now. */
  public LoadState withCaptured(Map<String, String> now) {
    return new LoadState(reads, tables, complete, id, now, replacing);
  }

  /** This state with a chunk of a table, {@code rows} rows, loaded under snapshot {@code read}. */
  public LoadState withLoaded(String table, KeyRange range, int read, long rows) {
    Map<String, TableLoad> all = new LinkedHashMap<>(tables);
    TableLoad load = all.get(table);
    if (load == null) {
      throw new IllegalArgumentException("Table " + table + " is not part of this load");
    }
    all.put(table, load.with(range, read, rows));
    boolean done = all.values().stream().allMatch(TableLoad::loaded);
    return new LoadState(reads, all, done, id, captured, replacing);
  }

  /** What is loaded, for people: chunks and rows read, and how many tables are whole. */
  public String summary() {
    long chunks = 0;
    long rows = 0;
    int whole = 0;
    for (TableLoad table : tables.values()) {
      chunks += table.chunks();
      rows += table.rows();
      whole += table.loaded() ? 1 : 0;
    }
    return String.format(
        "%,d chunk(s), %,d row(s) read; %d of %d table(s) whole",
        chunks, rows, whole, tables.size());
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the state of the initial load", e);
    }
  }

  public static LoadState fromJson(String json) {
    try {
      return JSON.readValue(json, LoadState.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "Cannot read the state of the initial load stored in the checkpoint: " + e.getMessage(),
          e);
    }
  }
}
