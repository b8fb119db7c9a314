package dev.cdcsync.api;

import java.util.Objects;

/**
 * The type of a column in the event model. {@code precision} and {@code scale} are meaningful for
 * {@link DataTypeRoot#DECIMAL} only and are 0 otherwise; {@code elementType} is the type of an
 * {@link DataTypeRoot#ARRAY}'s elements and null for every other root.
 */
public record DataType(DataTypeRoot root, int precision, int scale, DataType elementType) {

  /** The largest decimal precision a sink is expected to hold. */
  public static final int MAX_DECIMAL_PRECISION = 38;

  public DataType {
    Objects.requireNonNull(root, "root");
    if (root == DataTypeRoot.DECIMAL) {
      if (precision < 1 || precision > MAX_DECIMAL_PRECISION || scale < 0 || scale > precision) {
        throw new IllegalArgumentException(
            "Cannot create DECIMAL("
                + precision
                + ", "
                + scale
                + "): precision must be 1.."
                + MAX_DECIMAL_PRECISION
                + " and scale 0..precision");
      }
    } else if (precision != 0 || scale != 0) {
      throw new IllegalArgumentException("Cannot give a precision to " + root);
    }
    if ((root == DataTypeRoot.ARRAY) != (elementType != null)) {
      throw new IllegalArgumentException(
          root == DataTypeRoot.ARRAY
              ? "Cannot create an ARRAY without an element type"
              : "Cannot give an element type to " + root);
    }
  }

  public DataType(DataTypeRoot root, int precision, int scale) {
    this(root, precision, scale, null);
  }

  public static DataType of(DataTypeRoot root) {
    return new DataType(root, 0, 0);
  }

  public static DataType decimal(int precision, int scale) {
    return new DataType(DataTypeRoot.DECIMAL, precision, scale);
  }

  /** An array of {@code elementType} values (elements may be null). */
  public static DataType array(DataType elementType) {
    return new DataType(
        DataTypeRoot.ARRAY, 0, 0, Objects.requireNonNull(elementType, "elementType"));
  }

  @Override
  public String toString() {
    if (root == DataTypeRoot.DECIMAL) {
      return "DECIMAL(" + precision + ", " + scale + ")";
    }
    return root == DataTypeRoot.ARRAY ? "ARRAY<" + elementType + ">" : root.name();
  }
}
