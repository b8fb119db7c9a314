package dev.cdcsync.api;

import java.util.Objects;

/** A named, typed column. */
public record Column(String name, DataType type) {

  public Column {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }

  public static Column of(String name, DataType type) {
    return new Column(name, type);
  }

  public static Column of(String name, DataTypeRoot root) {
    return new Column(name, DataType.of(root));
  }
}
