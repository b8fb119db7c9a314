package dev.cdcsync.api;

import java.util.Objects;

/**
 * A named, typed column.
 *
 * @param defaultValue the value the source gave rows that existed when the column was added: its
 *     constant default in the event model's representation of {@code type}; null when it has none
 *     or the value is not known
 * @param unknownDefault when the column has a default but the value those rows got is not known
 *     (the source computes it, or it changed since): what the default is, for messages; else null
 * @param comment the source's comment on the column (source option {@code
 *     include-comments.enabled}), the sink column's doc; null when it has none
 */
public record Column(
    String name, DataType type, Object defaultValue, String unknownDefault, String comment) {

  public Column {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    if (defaultValue != null && unknownDefault != null) {
      throw new IllegalArgumentException(
          "Column " + name + " cannot have a known and an unknown default");
    }
  }

  public Column(String name, DataType type, Object defaultValue, String unknownDefault) {
    this(name, type, defaultValue, unknownDefault, null);
  }

  public Column(String name, DataType type) {
    this(name, type, null, null, null);
  }

  public static Column of(String name, DataType type) {
    return new Column(name, type);
  }

  public static Column of(String name, DataTypeRoot root) {
    return new Column(name, DataType.of(root));
  }

  public Column withoutDefault() {
    return defaultValue == null && unknownDefault == null
        ? this
        : new Column(name, type, null, null, comment);
  }

  public Column withComment(String comment) {
    return new Column(name, type, defaultValue, unknownDefault, comment);
  }

  /**
   * Column equality ignores defaults and comments: two schemas with the same columns write the
   * same rows.
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof Column column && name.equals(column.name) && type.equals(column.type);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, type);
  }
}
