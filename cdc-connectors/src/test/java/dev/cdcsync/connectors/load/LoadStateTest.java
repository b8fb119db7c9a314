package dev.cdcsync.connectors.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.connectors.load.LoadState.KeyRange;
import dev.cdcsync.connectors.load.LoadState.Read;
import dev.cdcsync.connectors.load.LoadState.Segment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadStateTest {

  private static LoadState twoTables() {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("public.orders", "id");
    keys.put("public.notes", null);
    return LoadState.starting(keys).withRead(new Read("", "0/16B3748", true));
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
            .withLoaded("public.orders", new KeyRange(100L, 200L), 0, 100)
            .withLoaded("public.orders", new KeyRange(null, 50L), 0, 40);
    assertThat(state.tables().get("public.orders").missing())
        .containsExactly(new KeyRange(50L, 100L), new KeyRange(200L, null));

    LoadState filled = state.withLoaded("public.orders", new KeyRange(50L, 100L), 0, 50);
    assertThat(filled.tables().get("public.orders").segments())
        .containsExactly(new Segment(new KeyRange(null, 200L), 0, 190, 3));
  }

  @Test
  void rangesReadUnderDifferentSnapshotsStayApart() {
    LoadState state =
        twoTables()
            .withRead(new Read("10:12:", "0/2000000", false))
            .withLoaded("public.orders", new KeyRange(null, 100L), 0, 100)
            .withLoaded("public.orders", new KeyRange(100L, null), 1, 7);
    LoadState.TableLoad orders = state.tables().get("public.orders");
    assertThat(orders.missing()).isEmpty();
    assertThat(orders.segmentOf(99L)).contains(new Segment(new KeyRange(null, 100L), 0, 100, 1));
    assertThat(orders.segmentOf(100L)).contains(new Segment(new KeyRange(100L, null), 1, 7, 1));
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
            .withLoaded("public.orders", new KeyRange(-5L, 100L), 1, 105);
    LoadState read = LoadState.fromJson(state.toJson());
    assertThat(read).isEqualTo(state);
    assertThat(read.tables().get("public.orders").missing())
        .isEqualTo(List.of(new KeyRange(null, -5L), new KeyRange(100L, null)));
  }

  @Test
  void countsRowsAndChunksAndExpectsTheRestFromTheEstimate() {
    LoadState state =
        twoTables()
            .withLoaded("public.orders", new KeyRange(null, 100L), 0, 100)
            .withLoaded("public.orders", new KeyRange(100L, 200L), 0, 100);
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
            .withLoaded("public.orders", new KeyRange(200L, null), 0, 5)
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
    assertThat(orders.missing()).containsExactly(new KeyRange(100L, null));
    assertThat(orders.rows()).isZero();
  }
}
