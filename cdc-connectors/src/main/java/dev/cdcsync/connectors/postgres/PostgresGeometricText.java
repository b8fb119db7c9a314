package dev.cdcsync.connectors.postgres;

import java.math.BigDecimal;
import org.postgresql.geometric.PGbox;
import org.postgresql.geometric.PGcircle;
import org.postgresql.geometric.PGline;
import org.postgresql.geometric.PGlseg;
import org.postgresql.geometric.PGpath;
import org.postgresql.geometric.PGpoint;
import org.postgresql.geometric.PGpolygon;
import org.postgresql.util.PGobject;

/**
 * PostgreSQL's text form of its geometric types, written from the JDBC driver's objects (which
 * print Java's {@code 1.0} where PostgreSQL prints {@code 1}). Coordinates are written as
 * PostgreSQL 12+ writes {@code float8}: the shortest decimal that reads back as the same double
 * (exact, so no value is rounded), in fixed notation for exponents -4..14 and as {@code 1e+15}
 * otherwise; {@code NaN}, {@code Infinity}, {@code -Infinity} and {@code -0} as PostgreSQL spells
 * them.
 */
final class PostgresGeometricText {

  private PostgresGeometricText() {}

  static String format(Object value) {
    if (value instanceof PGbox box) {
      return point(box.point[0]) + "," + point(box.point[1]);
    }
    if (value instanceof PGcircle circle) {
      return "<" + point(circle.center) + "," + float8(circle.radius) + ">";
    }
    if (value instanceof PGline line) {
      return "{" + float8(line.a) + "," + float8(line.b) + "," + float8(line.c) + "}";
    }
    if (value instanceof PGlseg segment) {
      return "[" + point(segment.point[0]) + "," + point(segment.point[1]) + "]";
    }
    if (value instanceof PGpath path) {
      return path.isOpen() ? "[" + points(path.points) + "]" : "(" + points(path.points) + ")";
    }
    if (value instanceof PGpolygon polygon) {
      return "(" + points(polygon.points) + ")";
    }
    if (value instanceof PGobject object) {
      return object.getValue();
    }
    if (value instanceof String text) {
      return text;
    }
    throw new IllegalArgumentException(
        "Cannot read a geometric value from a " + value.getClass().getName());
  }

  private static String points(PGpoint[] points) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < points.length; i++) {
      if (i > 0) {
        text.append(',');
      }
      text.append(point(points[i]));
    }
    return text.toString();
  }

  private static String point(PGpoint point) {
    return "(" + float8(point.x) + "," + float8(point.y) + ")";
  }

  static String float8(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "Infinity" : "-Infinity";
    }
    if (value == 0) {
      return Double.doubleToRawLongBits(value) < 0 ? "-0" : "0";
    }
    BigDecimal shortest = new BigDecimal(Double.toString(value)).stripTrailingZeros();
    int exponent = shortest.precision() - shortest.scale() - 1;
    if (exponent >= -4 && exponent < 15) {
      return shortest.toPlainString();
    }
    String digits = shortest.unscaledValue().abs().toString();
    StringBuilder text = new StringBuilder();
    if (value < 0) {
      text.append('-');
    }
    text.append(digits.charAt(0));
    if (digits.length() > 1) {
      text.append('.').append(digits, 1, digits.length());
    }
    text.append('e').append(exponent < 0 ? '-' : '+');
    int magnitude = Math.abs(exponent);
    if (magnitude < 10) {
      text.append('0');
    }
    return text.append(magnitude).toString();
  }
}
