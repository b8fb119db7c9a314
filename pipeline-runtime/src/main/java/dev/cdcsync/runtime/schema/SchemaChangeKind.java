package dev.cdcsync.runtime.schema;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The kinds of schema change a pipeline may pass on to its sink, named as in Flink CDC's {@code
 * sink.include.schema.changes} / {@code sink.exclude.schema.changes}.
 */
public enum SchemaChangeKind {
  ADD_COLUMN("add.column"),
  ALTER_COLUMN_TYPE("alter.column.type"),
  CREATE_TABLE("create.table"),
  DROP_COLUMN("drop.column"),
  DROP_TABLE("drop.table"),
  RENAME_COLUMN("rename.column"),
  TRUNCATE_TABLE("truncate.table"),
  ALTER_TABLE_COMMENT("alter.table.comment");

  private final String optionName;

  SchemaChangeKind(String optionName) {
    this.optionName = optionName;
  }

  public String optionName() {
    return optionName;
  }

  /** What an option's value may name: each kind, and Flink CDC's families of kinds. */
  public static final String NAMES =
      "add.column, alter.column.type, create.table, drop.column, drop.table, rename.column,"
          + " truncate.table, alter.table.comment, or a family: add, alter, create, drop, rename,"
          + " truncate, column, table, all";

  /**
   * The kinds named by a comma-separated list of kinds and families, or null when a name is
   * neither.
   */
  public static Set<SchemaChangeKind> parseList(String text) {
    Set<SchemaChangeKind> kinds = EnumSet.noneOf(SchemaChangeKind.class);
    for (String part : text.split(",")) {
      String name = part.trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      List<SchemaChangeKind> named = named(name);
      if (named.isEmpty()) {
        return null;
      }
      kinds.addAll(named);
    }
    return kinds;
  }

  private static List<SchemaChangeKind> named(String name) {
    for (SchemaChangeKind kind : values()) {
      if (kind.optionName.equals(name)) {
        return List.of(kind);
      }
    }
    return switch (name) {
      case "add" -> List.of(ADD_COLUMN);
      case "alter" -> List.of(ALTER_COLUMN_TYPE);
      case "create" -> List.of(CREATE_TABLE);
      case "drop" -> List.of(DROP_COLUMN, DROP_TABLE);
      case "rename" -> List.of(RENAME_COLUMN);
      case "truncate" -> List.of(TRUNCATE_TABLE);
      case "column" -> List.of(ADD_COLUMN, ALTER_COLUMN_TYPE, DROP_COLUMN, RENAME_COLUMN);
      case "table" -> List.of(CREATE_TABLE, DROP_TABLE, TRUNCATE_TABLE, ALTER_TABLE_COMMENT);
      case "all" -> Arrays.asList(values());
      default -> List.of();
    };
  }
}
