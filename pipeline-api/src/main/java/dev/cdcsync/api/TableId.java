package dev.cdcsync.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Identifies a table in a source or a sink.
 *
 * <p>{@code namespace} is the database of a PostgreSQL table and is {@code null} for MySQL and
 * MariaDB, whose tables are identified by {@code database.table} ({@code schemaName} then holds the
 * database), as in Flink CDC.
 */
public record TableId(String namespace, String schemaName, String tableName) {

  public TableId {
    Objects.requireNonNull(tableName, "tableName");
  }

  public static TableId of(String schemaName, String tableName) {
    return new TableId(null, schemaName, tableName);
  }

  public static TableId of(String namespace, String schemaName, String tableName) {
    return new TableId(namespace, schemaName, tableName);
  }

  /** Parses {@code a.b} or {@code a.b.c}. */
  public static TableId parse(String identifier) {
    String[] parts = identifier.split("\\.");
    return switch (parts.length) {
      case 1 -> new TableId(null, null, parts[0]);
      case 2 -> new TableId(null, parts[0], parts[1]);
      case 3 -> new TableId(parts[0], parts[1], parts[2]);
      default ->
          throw new IllegalArgumentException(
              "Cannot parse table identifier: expected [namespace.][schema.]table: " + identifier);
    };
  }

  /** The parts that are set, outermost first. */
  public List<String> parts() {
    List<String> parts = new ArrayList<>(3);
    if (namespace != null) {
      parts.add(namespace);
    }
    if (schemaName != null) {
      parts.add(schemaName);
    }
    parts.add(tableName);
    return parts;
  }

  @Override
  public String toString() {
    return String.join(".", parts());
  }
}
