package dev.cdcsync.runtime.transform;

import dev.cdcsync.api.DataType;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlTypeNameSpec;

/** The types CAST may name, in Flink's spelling and SQL's. */
final class CastTypes {

  static final String NAMES =
      "BOOLEAN, TINYINT, SMALLINT, INT, INTEGER, BIGINT, FLOAT, REAL, DOUBLE,"
          + " DECIMAL(p, s), CHAR, VARCHAR, STRING, BINARY, VARBINARY, BYTES, DATE, TIME, TIMESTAMP,"
          + " TIMESTAMP_LTZ, TIMESTAMP WITH LOCAL TIME ZONE, UUID";

  private CastTypes() {}

  /** The model type of a CAST target; TINYINT and SMALLINT widen to INT, as the model has no narrower one. */
  static DataType of(SqlDataTypeSpec spec) {
    SqlTypeNameSpec nameSpec = spec.getTypeNameSpec();
    String name = nameSpec.getTypeName().getSimple().toUpperCase(Locale.ROOT);
    DataType type =
        switch (name) {
          case "BOOLEAN" -> Types.BOOLEAN;
          case "TINYINT", "SMALLINT", "INTEGER", "INT" -> Types.INT;
          case "BIGINT" -> Types.BIGINT;
          case "FLOAT", "REAL" -> Types.FLOAT;
          case "DOUBLE" -> Types.DOUBLE;
          case "DECIMAL", "NUMERIC", "DEC" -> decimal(nameSpec);
          case "CHAR", "VARCHAR", "STRING", "TEXT" -> Types.STRING;
          case "BINARY", "VARBINARY", "BYTES" -> Types.BINARY;
          case "DATE" -> Types.DATE;
          case "TIME" -> Types.TIME;
          case "TIMESTAMP" -> Types.TIMESTAMP;
          case "TIMESTAMP_LTZ", "TIMESTAMP_WITH_LOCAL_TIME_ZONE" -> Types.TIMESTAMP_LTZ;
          case "UUID" -> Types.UUID;
          default -> null;
        };
    if (type == null) {
      throw new ExpressionException(
          spec.getParserPosition(), "unsupported type " + name + "; supported: " + NAMES);
    }
    return type;
  }

  /**
   * The model type a type name written as text stands for (as {@code getReturnType()} of a Flink
   * CDC function gives it, e.g. {@code DECIMAL(10, 2) NOT NULL}), or null if it names none.
   */
  static DataType parse(String text) {
    String type = text.trim().replaceAll("(?i)\\s+NOT\\s+NULL$", "");
    try {
      List<SqlNode> items =
          ExpressionText.filter("a return type", "CAST(NULL AS " + type + ") IS NULL").parse();
      SqlCall isNull = (SqlCall) items.get(0);
      SqlCall cast = (SqlCall) isNull.operand(0);
      return of((SqlDataTypeSpec) cast.operand(1));
    } catch (ExpressionException | ClassCastException e) {
      return null;
    }
  }

  private static DataType decimal(SqlTypeNameSpec nameSpec) {
    int precision = 10;
    int scale = 0;
    if (nameSpec instanceof SqlBasicTypeNameSpec basic) {
      precision = basic.getPrecision() < 0 ? 10 : basic.getPrecision();
      scale = basic.getScale() < 0 ? 0 : basic.getScale();
    }
    if (precision < 1 || precision > DataType.MAX_DECIMAL_PRECISION || scale > precision) {
      throw new ExpressionException(
          nameSpec.getParserPos(), "DECIMAL precision must be 1..38 and scale 0..precision");
    }
    return DataType.decimal(precision, scale);
  }
}
