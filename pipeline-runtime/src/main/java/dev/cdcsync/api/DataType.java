package dev.cdcsync.api;

import java.util.Objects;

/**
 * The type of a column in the event model. {@code precision} and {@code scale} are meaningful for
 * {@link DataTypeRoot#DECIMAL} only and are 0 otherwise.
 */
public record DataType(DataTypeRoot root, int precision, int scale) {

  /** The largest decimal precision a sink is expected to hold. */
  public static final int MAX_DECIMAL_PRECISION = 38;

  public DataType {
    Objects.requireNonNull(root, "root");
    if (root == DataTypeRoot.DECIMAL) {
      if (precision < 1 || precision > MAX_DECIMAL_PRECISION || scale < 0 || scale > precision) {
        throw new IllegalArgumentException(
            "Cannot create DECIMAL(" + precision + ", " + scale + "): precision must be 1.."
                + MAX_DECIMAL_PRECISION + " and scale 0..precision");
      }
    } else if (precision != 0 || scale != 0) {
      throw new IllegalArgumentException("Cannot give a precision to " + root);
    }
  }

  public static DataType of(DataTypeRoot root) {
    return new DataType(root, 0, 0);
  }

  public static DataType decimal(int precision, int scale) {
    return new DataType(DataTypeRoot.DECIMAL, precision, scale);
  }

  @Override
  public String toString() {
    return root == DataTypeRoot.DECIMAL ? "DECIMAL(" + precision + ", " + scale + ")" : root.name();
  }
}
