package dev.cdcsync.runtime.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's table of Flink CDC's functions says true: each function it gives as there is a
 * built-in function, each it gives as missing is not, and it names every built-in function.
 */
class FlinkCdcFunctionTableTest {

  private static final Path README = Path.of("..", "README.md");
  private static final Pattern NAME = Pattern.compile("`([A-Z_0-9]+)`");

  @Test
  void theReadmesFunctionTableMatchesTheFunctionCatalog() throws Exception {
    List<String> lines = Files.readAllLines(README);
    int start = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("Functions of Flink CDC's transform dialect")) {
        start = i;
        break;
      }
    }
    assertThat(start).as("the function table in README.md").isPositive();
    List<String> present = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<String> named = new ArrayList<>();
    for (int i = start; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() && !named.isEmpty()) {
        break;
      }
      String[] cells = line.split("\\|");
      if (!line.startsWith("| `") || cells.length < 3) {
        continue;
      }
      Matcher matcher = NAME.matcher(cells[1]);
      List<String> names = new ArrayList<>();
      while (matcher.find()) {
        names.add(matcher.group(1));
      }
      named.addAll(names);
      (cells[2].trim().startsWith("no") ? missing : present).addAll(names);
    }
    assertThat(present).allSatisfy(name -> assertThat(FunctionCatalog.find(name)).isNotNull());
    assertThat(missing).allSatisfy(name -> assertThat(FunctionCatalog.find(name)).isNull());
    assertThat(named).containsAll(FunctionCatalog.names());
  }
}
