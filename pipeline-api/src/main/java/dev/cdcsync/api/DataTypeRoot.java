package dev.cdcsync.api;

/** The kinds of values the event model carries; each maps to one Java value class. */
public enum DataTypeRoot {
  /** {@link Boolean}. */
  BOOLEAN,
  /** {@link Integer}: TINYINT, SMALLINT, MEDIUMINT and INT (signed), YEAR. */
  INT,
  /** {@link Long}. */
  BIGINT,
  /** {@link Float}. */
  FLOAT,
  /** {@link Double}. */
  DOUBLE,
  /** {@link java.math.BigDecimal} with exactly the type's scale. */
  DECIMAL,
  /** {@link String}: CHAR, VARCHAR, TEXT, ENUM, SET, JSON and anything textual. */
  STRING,
  /** {@code byte[]}. */
  BINARY,
  /** {@link java.time.LocalDate}. */
  DATE,
  /** {@link java.time.LocalTime}, microsecond precision. */
  TIME,
  /** {@link java.time.LocalDateTime}: a wall-clock value without a time zone. */
  TIMESTAMP,
  /** {@link java.time.Instant}: an instant, shown in any zone. */
  TIMESTAMP_LTZ,
  /** {@link java.util.UUID}. */
  UUID,
  /**
   * {@link java.util.List} of values of the {@linkplain DataType#elementType() element type}, in
   * order; an element may be null, the list may be empty.
   */
  ARRAY
}
