package dev.cdcsync.connectors.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.connectors.load.LoadState.KeyRange;
import dev.cdcsync.connectors.load.LoadState.KeyType;
import dev.cdcsync.connectors.load.LoadState.Read;
import dev.cdcsync.connectors.load.LoadState.Segment;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LoadStateTest {

  private static LoadState twoTables() {
    Map<String, LoadState.Key> keys = new LinkedHashMap<>();
    keys.put("public.orders", new LoadState.Key("id", KeyType.INTEGER));
    keys.put("public.notes", LoadState.Key.NONE);
    return LoadState.starting(keys).withRead(new Read("", "0/16B3748", true));
  }

  @Test
  void tablesJoiningAreALoadOfTheirOwnThatKeepsTheEarlierReadsAndWhatWasCaptured() {
    LoadState earlier =
        twoTables()
            .withLoaded("public.orders", KeyRange.ALL, 0, 10)
            .withLoaded("public.notes", KeyRange.ALL, 0, 3)
            .withCaptured(Map.of("table.include.list", "public\\.orders,public\\.notes"));
    assertThat(earlier.complete()).isTrue();

    LoadState joined =
        LoadState.fromJson(earlier.toJson())
            .withTables(Map.of("public.later", new LoadState.Key("id", KeyType.INTEGER)), true);

    assertThat(joined.complete()).isFalse();
    assertThat(joined.id()).isNotEqualTo(earlier.id());
    assertThat(joined.reads()).isEqualTo(earlier.reads());
    assertThat(joined.captured()).isEqualTo(earlier.captured());
    assertThat(joined.tables().get("public.orders").loaded()).isTrue();
    assertThat(joined.tables().get("public.later").missing()).containsExactly(KeyRange.ALL);
    assertThat(LoadState.complete(null).captured()).isNull();
    assertThat(joined.replacing()).containsExactly("public.later");
    assertThat(
            earlier
                .withTables(Map.of("public.later", new LoadState.Key("id", KeyType.INTEGER)), false)
                .replacing())
        .isEmpty();
  }

  @Test
  void aTableWithNothingLoadedMissesEveryKey() {
    assertThat(twoTables().tables().get("public.orders").missing()).containsExactly(KeyRange.ALL);
    assertThat(twoTables().complete()).isFalse();
  }

  @Test
  void loadedRangesLeaveTheGapsBetweenThemAndMergeWhenTheyTouch() {
    LoadState state =
        twoTables()
            .withLoaded("public.orders", new KeyRange("100", "200"), 0, 100)
            .withLoaded("public.orders", new KeyRange(null, "50"), 0, 40);
    assertThat(state.tables().get("public.orders").missing())
        .containsExactly(new KeyRange("50", "100"), new KeyRange("200", null));

    LoadState filled = state.withLoaded("public.orders", new KeyRange("50", "100"), 0, 50);
    assertThat(filled.tables().get("public.orders").segments())
        .containsExactly(new Segment(new KeyRange(null, "200"), 0, 190, 3));
  }

  @Test
  void rangesReadUnderDifferentSnapshotsStayApart() {
    LoadState state =
        twoTables()
            .withRead(new Read("10:12:", "0/2000000", false))
            .withLoaded("public.orders", new KeyRange(null, "100"), 0, 100)
            .withLoaded("public.orders", new KeyRange("100", null), 1, 7);
    LoadState.TableLoad orders = state.tables().get("public.orders");
    assertThat(orders.missing()).isEmpty();
    assertThat(orders.segmentOf(99L)).contains(new Segment(new KeyRange(null, "100"), 0, 100, 1));
    assertThat(orders.segmentOf(100L)).contains(new Segment(new KeyRange("100", null), 1, 7, 1));
  }

  @Test
  void theLoadIsCompleteOnceEveryTableIsWhole() {
    LoadState state =
        twoTables()
            .withLoaded("public.orders", KeyRange.ALL, 0, 10)
            .withLoaded("public.notes", KeyRange.ALL, 0, 3);
    assertThat(state.complete()).isTrue();
    assertThat(state.tables().get("public.notes").segmentOf(null)).isPresent();
  }

  @Test
  void survivesItsJson() {
    LoadState state =
        twoTables()
            .withRead(new Read("10:12:11", "0/2000000", false))
            .withLoaded("public.orders", new KeyRange("-5", "100"), 1, 105);
    LoadState read = LoadState.fromJson(state.toJson());
    assertThat(read).isEqualTo(state);
    assertThat(read.tables().get("public.orders").missing())
        .isEqualTo(List.of(new KeyRange(null, "-5"), new KeyRange("100", null)));
  }

  @Test
  void countsRowsAndChunksAndExpectsTheRestFromTheEstimate() {
    LoadState state =
        twoTables()
            .withLoaded("public.orders", new KeyRange(null, "100"), 0, 100)
            .withLoaded("public.orders", new KeyRange("100", "200"), 0, 100);
    LoadState.TableLoad orders = state.tables().get("public.orders");
    assertThat(orders.rows()).isEqualTo(200);
    assertThat(orders.chunks()).isEqualTo(2);
    // 1,000 rows expected in chunks of 100: 8 more after the 2 read.
    assertThat(orders.expectedChunks(1_000, 100)).isEqualTo(10);
    // An estimate already passed: at least the chunk still being read.
    assertThat(orders.expectedChunks(150, 100)).isEqualTo(3);
    // A table read whole is one chunk; a loaded one has what it had.
    assertThat(state.tables().get("public.notes").expectedChunks(1_000_000, 100)).isEqualTo(1);
    LoadState.TableLoad whole =
        state
            .withLoaded("public.orders", new KeyRange("200", null), 0, 5)
            .tables()
            .get("public.orders");
    assertThat(whole.expectedChunks(1_000, 100)).isEqualTo(3);
  }

  @Test
  void readsAStateStoredBeforeRowsWereCounted() {
    String stored =
        "{\"reads\":[{\"visibility\":\"\",\"lsn\":\"0/1\",\"exact\":true}],"
            + "\"tables\":{\"public.orders\":{\"keyColumn\":\"id\",\"segments\":"
            + "[{\"range\":{\"from\":null,\"to\":100},\"read\":0}]}},\"complete\":false}";
    LoadState.TableLoad orders = LoadState.fromJson(stored).tables().get("public.orders");
    assertThat(orders.missing()).containsExactly(new KeyRange("100", null));
    assertThat(orders.rows()).isZero();
  }

  @Test
  void integerKeysOrderAsNumbersNotAsText() {
    LoadState state =
        twoTables()
            .withLoaded("public.orders", new KeyRange("9", "10"), 0, 1)
            .withLoaded("public.orders", new KeyRange("-20", "9"), 0, 29);
    LoadState.TableLoad orders = state.tables().get("public.orders");
    assertThat(orders.missing())
        .containsExactly(new KeyRange(null, "-20"), new KeyRange("10", null));
    assertThat(orders.segmentOf(9)).isPresent();
    assertThat(orders.segmentOf(10L)).isEmpty();
    assertThat(orders.segmentOf((short) -20)).isPresent();
  }

  /** uuid keys order as PostgreSQL orders them: byte by byte, unsigned (not as UUID.compareTo). */
  @Test
  void uuidKeysOrderByteByByteUnsigned() {
    String low = "7fffffff-ffff-ffff-ffff-ffffffffffff";
    String high = "80000000-0000-0000-0000-000000000000";
    assertThat(KeyType.UUID.compare(low, high)).isNegative();
    assertThat(
            KeyType.UUID.compare(
                "00000000-0000-0000-7fff-ffffffffffff", "00000000-0000-0000-8000-000000000000"))
        .isNegative();
    LoadState state =
        LoadState.starting(Map.of("public.tokens", new LoadState.Key("id", KeyType.UUID)))
            .withRead(new Read("", "0/1", true))
            .withLoaded("public.tokens", new KeyRange(null, high), 0, 10);
    LoadState.TableLoad tokens = LoadState.fromJson(state.toJson()).tables().get("public.tokens");
    assertThat(tokens.keyType()).isEqualTo(KeyType.UUID);
    assertThat(tokens.segmentOf(UUID.fromString(low))).isPresent();
    assertThat(tokens.segmentOf(UUID.fromString("ffffffff-0000-0000-0000-000000000000"))).isEmpty();
    assertThat(tokens.segmentOf("7fffffff-ffff-ffff-ffff-ffffffffffff"))
        .as("a value of another type is in no range")
        .isEmpty();
    assertThat(tokens.missing()).containsExactly(new KeyRange(high, null));
  }

  @Test
  void summarisesWhatIsLoaded() {
    LoadState state =
        twoTables()
            .withLoaded("public.orders", new KeyRange(null, "100"), 0, 1_500)
            .withLoaded("public.orders", new KeyRange("100", "200"), 0, 1_000)
            .withLoaded("public.notes", KeyRange.ALL, 0, 20);
    assertThat(state.summary()).isEqualTo("3 chunk(s), 2,520 row(s) read; 1 of 2 table(s) whole");
  }

  /** Text keys under the C collation order by code point, as their UTF-8 bytes do. */
  @Test
  void textKeysOrderByCodePoint() {
    // U+FF21 (one UTF-16 unit) sorts before U+1F600 (two units starting at 0xD83D) by code
    // point; String.compareTo would put U+1F600 first.
    assertThat(KeyType.TEXT.compare("\uFF21", "\uD83D\uDE00")).isNegative();
    assertThat(KeyType.TEXT.compare("ab", "abc")).isNegative();
    assertThat(KeyType.TEXT.compare("B", "a")).isNegative();
    assertThat(KeyType.TEXT.compare("x", "x")).isZero();
    LoadState state =
        LoadState.starting(Map.of("public.notes", new LoadState.Key("code", KeyType.TEXT)))
            .withRead(new Read("", "0/1", true))
            .withLoaded("public.notes", new KeyRange(null, "n5"), 0, 5);
    LoadState.TableLoad notes = state.tables().get("public.notes");
    assertThat(notes.segmentOf("n10")).as("n10 < n5 as text").isPresent();
    assertThat(notes.segmentOf("n6")).isEmpty();
    assertThat(notes.segmentOf(6)).as("a value of another type").isEmpty();
  }

  /** numeric keys order by value, with PostgreSQL's special values after (or before) them all. */
  @Test
  void decimalKeysOrderByValueWithTheSpecialValuesAtTheEnds() {
    List<String> sorted =
        List.of("-Infinity", "-1e3", "-2.5", "0", "1.0", "1.00", "9", "10.01", "Infinity", "NaN");
    for (int i = 0; i < sorted.size(); i++) {
      for (int j = 0; j < sorted.size(); j++) {
        boolean equalNumbers =
            Set.of("1.0", "1.00").containsAll(List.of(sorted.get(i), sorted.get(j)));
        int expected = equalNumbers ? 0 : Integer.compare(i, j);
        assertThat(Integer.signum(KeyType.DECIMAL.compare(sorted.get(i), sorted.get(j))))
            .as(sorted.get(i) + " against " + sorted.get(j))
            .isEqualTo(expected);
      }
    }
    LoadState state =
        LoadState.starting(Map.of("public.prices", new LoadState.Key("price", KeyType.DECIMAL)))
            .withRead(new Read("", "0/1", true))
            .withLoaded("public.prices", new KeyRange("2.50", "10"), 0, 5);
    LoadState.TableLoad prices = state.tables().get("public.prices");
    assertThat(prices.segmentOf(new BigDecimal("2.5"))).as("numeric(p, s): a decimal").isPresent();
    assertThat(prices.segmentOf("9.999")).as("numeric: its text").isPresent();
    assertThat(prices.segmentOf(new BigDecimal("10"))).isEmpty();
    assertThat(prices.segmentOf("NaN")).isEmpty();
  }

  /** Date and timestamp keys order by the calendar, PostgreSQL's infinities at the ends. */
  @Test
  void dateAndTimestampKeysOrderByTheCalendar() {
    List<String> dates =
        List.of(
            "-infinity",
            "0044-03-15 BC",
            "0001-12-31 BC",
            "0001-01-01",
            "0999-12-31",
            "2024-02-29",
            "2024-03-01",
            "10000-01-01",
            "infinity");
    List<String> timestamps =
        List.of(
            "-infinity",
            "0001-01-01 00:00:00 BC",
            "2024-02-29 23:59:59.999999",
            "2024-03-01 00:00:00",
            "2024-03-01 00:00:00.000001",
            "2024-03-01 00:00:00.25",
            "2024-03-01 00:00:00.5",
            "2024-03-01 09:00:00",
            "2024-03-01 10:00:00",
            "infinity");
    for (List<String> sorted : List.of(dates, timestamps)) {
      KeyType type = sorted == dates ? KeyType.DATE : KeyType.TIMESTAMP;
      for (int i = 0; i < sorted.size(); i++) {
        for (int j = 0; j < sorted.size(); j++) {
          assertThat(Integer.signum(type.compare(sorted.get(i), sorted.get(j))))
              .as(sorted.get(i) + " against " + sorted.get(j))
              .isEqualTo(Integer.compare(i, j));
        }
      }
    }
    assertThat(KeyType.TIMESTAMP.compare("2024-03-01 00:00:00.500000", "2024-03-01 00:00:00.5"))
        .as("a fraction's trailing zeros do not count")
        .isZero();

    assertThat(KeyType.DATE.text(LocalDate.of(2024, 2, 29))).isEqualTo("2024-02-29");
    assertThat(KeyType.DATE.text(LocalDate.of(-43, 3, 15))).isEqualTo("0044-03-15 BC");
    assertThat(KeyType.TIMESTAMP.text(LocalDateTime.of(2024, 3, 1, 0, 0, 0, 250_000_000)))
        .isEqualTo("2024-03-01 00:00:00.25");
    assertThat(KeyType.TIMESTAMP.text(LocalDateTime.of(0, 1, 1, 9, 8, 7)))
        .isEqualTo("0001-01-01 09:08:07 BC");
    assertThat(KeyType.DATE.text(LocalDateTime.of(2024, 1, 1, 0, 0))).as("another type").isNull();
    assertThat(KeyType.TIMESTAMPTZ.text(Instant.parse("2024-03-01T00:00:00.25Z")))
        .as("in UTC")
        .isEqualTo("2024-03-01 00:00:00.25");
    assertThat(KeyType.TIMESTAMPTZ.compare("2024-03-01 00:00:00.25", "2024-03-01 00:00:00.3"))
        .isNegative();
    // Beyond PostgreSQL's range: what Debezium made of an infinity.
    assertThat(KeyType.DATE.text(LocalDate.of(5881580, 7, 11))).isEqualTo("infinity");
    assertThat(KeyType.DATE.text(LocalDate.of(-5877641, 6, 23))).isEqualTo("-infinity");
    assertThat(KeyType.TIMESTAMP.text(LocalDateTime.of(294277, 1, 1, 0, 0))).isEqualTo("infinity");
    assertThat(KeyType.TIMESTAMP.text(LocalDateTime.of(-290000, 1, 1, 0, 0)))
        .isEqualTo("-infinity");

    LoadState state =
        LoadState.starting(Map.of("public.days", new LoadState.Key("day", KeyType.DATE)))
            .withRead(new Read("", "0/1", true))
            .withLoaded("public.days", new KeyRange("2024-01-01", "2024-02-01"), 0, 31);
    LoadState.TableLoad days = state.tables().get("public.days");
    assertThat(days.segmentOf(LocalDate.of(2024, 1, 31))).isPresent();
    assertThat(days.segmentOf(LocalDate.of(2024, 2, 1))).isEmpty();
    assertThat(days.missing())
        .containsExactly(new KeyRange(null, "2024-01-01"), new KeyRange("2024-02-01", null));
  }

  /** Bytes order byte by byte, unsigned, a value before the longer ones it starts. */
  @Test
  void byteKeysOrderByteByByte() {
    List<byte[]> sorted =
        List.of(
            new byte[] {},
            new byte[] {0},
            new byte[] {0, 0},
            new byte[] {0, 1},
            new byte[] {9},
            new byte[] {10},
            new byte[] {0x7f},
            new byte[] {(byte) 0x80},
            new byte[] {(byte) 0xff, 0});
    for (int i = 0; i < sorted.size(); i++) {
      for (int j = 0; j < sorted.size(); j++) {
        String a = KeyType.BYTES.text(sorted.get(i));
        String b = KeyType.BYTES.text(sorted.get(j));
        assertThat(Integer.signum(KeyType.BYTES.compare(a, b)))
            .as(a + " against " + b)
            .isEqualTo(Integer.compare(i, j));
      }
    }
    assertThat(KeyType.BYTES.text(new byte[] {(byte) 0xca, (byte) 0xfe})).isEqualTo("CAFE");
    assertThat(KeyType.BYTES.text("CAFE")).as("another type").isNull();
  }
}
