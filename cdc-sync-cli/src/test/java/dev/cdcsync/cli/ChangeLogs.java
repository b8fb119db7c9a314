package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Checks on the change log an append table holds. */
final class ChangeLogs {

  private ChangeLogs() {}

  /**
   * The rows an append table's change log leaves, replayed in commit order; fails on a change that
   * cannot follow the one before it (an insert of a live key, an update or delete of a gone one,
   * an account's balance not one more than before): a change applied twice or lost.
   */
  static Map<Object, Map<String, Object>> replay(List<Map<String, Object>> log, String key) {
    List<Map<String, Object>> ordered = new ArrayList<>(log);
    ordered.sort(Comparator.comparing(row -> (Long) row.get("_cdc_seq")));
    Map<Object, Map<String, Object>> live = new TreeMap<>();
    for (Map<String, Object> change : ordered) {
      Map<String, Object> row = new LinkedHashMap<>(change);
      String operation = (String) row.remove("_cdc_op");
      row.remove("_cdc_seq");
      row.remove("_cdc_ts_ms");
      Object id = row.get(key);
      Map<String, Object> before = live.get(id);
      switch (operation) {
        case "+I" -> {
          assertThat(before).as("insert of live key %s: %s", id, change).isNull();
          live.put(id, row);
        }
        case "+U" -> {
          assertThat(before).as("update of gone key %s: %s", id, change).isNotNull();
          if (row.containsKey("balance")) {
            assertThat(row.get("balance"))
                .as("balance of %s after %s", id, before)
                .isEqualTo((Long) before.get("balance") + 1);
          }
          live.put(id, row);
        }
        case "-D" -> {
          assertThat(before).as("delete of gone key %s: %s", id, change).isNotNull();
          live.remove(id);
        }
        default -> throw new AssertionError("Unexpected operation " + operation);
      }
    }
    return live;
  }
}
