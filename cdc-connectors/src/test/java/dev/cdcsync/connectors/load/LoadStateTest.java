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
            .withLoaded("public.orders", new KeyRange(100L, 200L), 0)
            .withLoaded("public.orders", new KeyRange(null, 50L), 0);
    assertThat(state.tables().get("public.orders").missing())
        .containsExactly(new KeyRange(50L, 100L), new KeyRange(200L, null));

    LoadState filled = state.withLoaded("public.orders", new KeyRange(50L, 100L), 0);
    assertThat(filled.tables().get("public.orders").segments())
        .containsExactly(new Segment(new KeyRange(null, 200L), 0));
  }

  @Test
  void rangesReadUnderDifferentSnapshotsStayApart() {
    LoadState state =
        twoTables()
            .withRead(new Read("10:12:", "0/2000000", false))
            .withLoaded("public.orders", new KeyRange(null, 100L), 0)
            .withLoaded("public.orders", new KeyRange(100L, null), 1);
    LoadState.TableLoad orders = state.tables().get("public.orders");
    assertThat(orders.missing()).isEmpty();
    assertThat(orders.segmentOf(99L)).contains(new Segment(new KeyRange(null, 100L), 0));
    assertThat(orders.segmentOf(100L)).contains(new Segment(new KeyRange(100L, null), 1));
  }

  @Test
  void theLoadIsCompleteOnceEveryTableIsWhole() {
    LoadState state =
        twoTables()
            .withLoaded("public.orders", KeyRange.ALL, 0)
            .withLoaded("public.notes", KeyRange.ALL, 0);
    assertThat(state.complete()).isTrue();
    assertThat(state.tables().get("public.notes").segmentOf(null)).isPresent();
  }

  @Test
  void survivesItsJson() {
    LoadState state =
        twoTables()
            .withRead(new Read("10:12:11", "0/2000000", false))
            .withLoaded("public.orders", new KeyRange(-5L, 100L), 1);
    LoadState read = LoadState.fromJson(state.toJson());
    assertThat(read).isEqualTo(state);
    assertThat(read.tables().get("public.orders").missing())
        .isEqualTo(List.of(new KeyRange(null, -5L), new KeyRange(100L, null)));
  }
}
