package dev.cdcsync.connectors.postgres;

import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.connectors.postgres.PostgresArrays.ArrayElement;
import io.debezium.connector.postgresql.UnchangedToastedReplicationMessageColumn;
import io.debezium.data.SpecialValueDecimal;
import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import java.math.BigDecimal;
import java.sql.Types;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.postgresql.jdbc.PgArray;
import org.postgresql.util.PGobject;

/**
 * Debezium custom converter for the PostgreSQL types Debezium would drop, turn into NULL or round:
 *
 * <ul>
 *   <li>{@code numeric} without precision: the exact text, {@code NaN}, {@code Infinity} and
 *       {@code -Infinity} included (Debezium's precise mode turns them into NULL);
 *   <li>{@code numeric(p, s)}: the exact text under the logical name {@value #BOUNDED_NUMERIC}
 *       with its precision and scale, so the record converter makes it a decimal and can name the
 *       column when a {@code NaN} cannot be one;
 *   <li>{@code box}, {@code circle}, {@code line}, {@code lseg}, {@code path}, {@code polygon}
 *       (Debezium leaves them out): PostgreSQL's text form, see {@link PostgresGeometricText};
 *   <li>composite types: PostgreSQL's text form of the row value;
 *   <li>arrays declared with several dimensions ({@code integer[][]}, see {@link
 *       PostgresArrayDimensions}): PostgreSQL's text form;
 *   <li>one-dimensional arrays: lists read from their text, see {@link PostgresArrays}.
 * </ul>
 *
 * Snapshot and stream hand the converter the same Java classes for these types (the JDBC
 * driver's), so both paths give the same value. An unchanged TOAST value becomes Debezium's
 * placeholder string, as Debezium's own converters make it.
 */
public final class PostgresColumnConverter
    implements CustomConverter<SchemaBuilder, RelationalColumn> {

  /** Logical name of a {@code numeric(p, s)} column's text, with parameters precision and scale. */
  public static final String BOUNDED_NUMERIC = "dev.cdcsync.postgres.BoundedNumeric";

  /** Converter property: the string Debezium puts where an unchanged TOAST value was. */
  public static final String PLACEHOLDER_PROPERTY = "unavailable.value.placeholder";

  /** Debezium's column length for a {@code numeric} without precision (a JDBC driver quirk). */
  private static final int VARIABLE_SCALE_LENGTH = 131089;

  private static final Set<String> GEOMETRIC =
      Set.of("box", "circle", "line", "lseg", "path", "polygon");

  private String placeholder = "__debezium_unavailable_value";

  private PostgresArrayDimensions dimensions = PostgresArrayDimensions.NONE;

  @Override
  public void configure(Properties properties) {
    placeholder = properties.getProperty(PLACEHOLDER_PROPERTY, placeholder);
    dimensions = PostgresArrayDimensions.from(properties);
  }

  @Override
  public void converterFor(
      RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
    String type = column.typeName().toLowerCase(Locale.ROOT);
    if (column.jdbcType() == Types.ARRAY && type.startsWith("_")) {
      if (dimensions.declared(column.dataCollection(), column.name()) > 1) {
        // Declared with several dimensions (integer[][]): PostgreSQL's text form, which keeps them.
        registration.register(SchemaBuilder.string().optional(), this::multiDimensional);
      } else {
        ArrayElement element = PostgresArrays.element(type.substring(1), column);
        String name = column.dataCollection() + "." + column.name();
        registration.register(PostgresArrays.schema(element), value -> array(name, value, element));
      }
    } else if (type.equals("numeric") || type.equals("decimal")) {
      registration.register(numericSchema(column), this::numeric);
    } else if (GEOMETRIC.contains(type)) {
      registration.register(SchemaBuilder.string().optional(), this::geometric);
    } else if (column.jdbcType() == Types.STRUCT) {
      registration.register(SchemaBuilder.string().optional(), this::composite);
    }
  }

  private Object array(String column, Object value, ArrayElement element) {
    if (value == null) {
      return null;
    }
    if (isUnchangedToast(value)) {
      return PostgresArrays.unchangedToast(element, placeholder);
    }
    try {
      return PostgresArrays.elements(value, element);
    } catch (PostgresArrayText.NotOneDimensional e) {
      // Debezium reports a converter's failure with the column and this exception's cause, which
      // says why and is permanent: the same value fails on every retry.
      throw new IllegalArgumentException(
          e.getMessage(),
          new PermanentPipelineException(
              "Cannot replicate column "
                  + column
                  + ": "
                  + e.getMessage()
                  + "; declare the column with"
                  + " its dimensions (ALTER TABLE ... ALTER COLUMN ... TYPE ...[][]), which cdc-sync keeps"
                  + " as PostgreSQL's text, or drop the column with debezium.column.exclude.list"));
    }
  }

  /** Text for {@code numeric}; text named {@link #BOUNDED_NUMERIC} for {@code numeric(p, s)}. */
  static SchemaBuilder numericSchema(RelationalColumn column) {
    if (isUnbounded(column)) {
      return SchemaBuilder.string().optional();
    }
    return SchemaBuilder.string()
        .name(BOUNDED_NUMERIC)
        .parameter("precision", Integer.toString(column.length().getAsInt()))
        .parameter("scale", Integer.toString(column.scale().orElse(0)))
        .optional();
  }

  private static boolean isUnbounded(RelationalColumn column) {
    int length = column.length().orElse(0);
    return (length == 0 || length == VARIABLE_SCALE_LENGTH) && column.scale().orElse(0) == 0;
  }

  private Object numeric(Object value) {
    if (value == null || isUnchangedToast(value)) {
      return value == null ? null : placeholder;
    }
    return numericText(value);
  }

  /** PostgreSQL's text of a numeric value as the snapshot (JDBC) or the stream (pgoutput) hands it over. */
  static String numericText(Object value) {
    if (value instanceof SpecialValueDecimal special) {
      if (special.getDecimalValue().isPresent()) {
        return special.getDecimalValue().get().toPlainString();
      }
      // Spelled as PostgreSQL spells them (SpecialValueDecimal prints NAN).
      if (special.equals(SpecialValueDecimal.POSITIVE_INF)) {
        return "Infinity";
      }
      return special.equals(SpecialValueDecimal.NEGATIVE_INF) ? "-Infinity" : "NaN";
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.toPlainString();
    }
    if (value instanceof Double number) {
      if (number.isNaN()) {
        return "NaN";
      }
      if (number.isInfinite()) {
        return number > 0 ? "Infinity" : "-Infinity";
      }
    }
    if (value instanceof String text) {
      return text;
    }
    throw new IllegalArgumentException(
        "Cannot read a numeric value from a " + value.getClass().getName());
  }

  private Object geometric(Object value) {
    if (value == null || isUnchangedToast(value)) {
      return value == null ? null : placeholder;
    }
    return PostgresGeometricText.format(value);
  }

  private Object multiDimensional(Object value) {
    if (value == null || isUnchangedToast(value)) {
      return value == null ? null : placeholder;
    }
    if (value instanceof PgArray || value instanceof String) {
      return value.toString();
    }
    throw new IllegalArgumentException("Cannot read an array from a " + value.getClass().getName());
  }

  private Object composite(Object value) {
    if (value == null || isUnchangedToast(value)) {
      return value == null ? null : placeholder;
    }
    if (value instanceof PGobject object) {
      return object.getValue();
    }
    if (value instanceof String text) {
      return text;
    }
    throw new IllegalArgumentException(
        "Cannot read a composite value from a " + value.getClass().getName());
  }

  private static boolean isUnchangedToast(Object value) {
    return UnchangedToastedReplicationMessageColumn.isUnchangedToastedValue(value);
  }
}
