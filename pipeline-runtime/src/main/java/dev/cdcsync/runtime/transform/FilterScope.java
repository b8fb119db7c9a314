package dev.cdcsync.runtime.transform;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.sql.SqlIdentifier;

/**
 * The names a filter sees: the projection's aliases first (as Flink CDC, which substitutes the
 * aliased expression into the filter), then the input and metadata columns.
 */
final class FilterScope implements ExpressionCompiler.Scope {

  private final Map<String, Typed> aliases;
  private final InputScope inputs;

  FilterScope(Map<String, Typed> aliases, InputScope inputs) {
    this.aliases = aliases;
    this.inputs = inputs;
  }

  @Override
  public Typed resolve(SqlIdentifier identifier) {
    if (!identifier.isSimple()) {
      return null;
    }
    String name = identifier.getSimple();
    Typed alias = aliases.get(name);
    if (alias != null) {
      return alias;
    }
    Typed exact = inputs.resolve(identifier);
    if (exact != null && inputs.resolvedName(identifier).equals(name)) {
      return exact;
    }
    Set<String> all = new LinkedHashSet<>(aliases.keySet());
    all.addAll(inputs.names());
    String match = InputScope.match(name, all);
    if (match == null) {
      return null;
    }
    return aliases.containsKey(match)
        ? aliases.get(match)
        : inputs.resolve(new SqlIdentifier(match, identifier.getParserPosition()));
  }

  @Override
  public List<String> names() {
    Set<String> names = new LinkedHashSet<>(inputs.names());
    names.addAll(aliases.keySet());
    return new ArrayList<>(names);
  }
}
