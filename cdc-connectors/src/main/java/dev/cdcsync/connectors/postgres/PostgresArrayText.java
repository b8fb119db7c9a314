package dev.cdcsync.connectors.postgres;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads PostgreSQL's text form of a one-dimensional array ({@code {1,NULL,"a,b"}}) into the text
 * of each element, null for a NULL element. The snapshot (JDBC) and the stream (pgoutput) both hand
 * over arrays as the server's text, so parsing it gives both paths the same elements.
 */
final class PostgresArrayText {

  /** A value no list holds without loss: several dimensions, or explicit bounds. */
  static final class NotOneDimensional extends IllegalArgumentException {
    NotOneDimensional(String message) {
      super(message);
    }
  }

  private PostgresArrayText() {}

  /**
   * The elements' text; {@code delimiter} is the element type's ({@code ;} for box, else {@code ,}).
   *
   * @throws NotOneDimensional for a multi-dimensional array or one with explicit bounds
   *     ({@code [0:1]={...}}), which no list holds without loss
   */
  static List<String> elements(String text, char delimiter) {
    if (text.isEmpty() || text.charAt(0) != '{' || text.charAt(text.length() - 1) != '}') {
      throw new NotOneDimensional(
          "its value '"
              + abbreviate(text)
              + "' has explicit bounds or several dimensions, which a list"
              + " does not hold");
    }
    List<String> elements = new ArrayList<>();
    int end = text.length() - 1;
    int i = 1;
    if (i == end) {
      return elements;
    }
    while (true) {
      StringBuilder element = new StringBuilder();
      boolean quoted = false;
      if (text.charAt(i) == '"') {
        quoted = true;
        i++;
        while (text.charAt(i) != '"') {
          if (text.charAt(i) == '\\') {
            i++;
          }
          element.append(text.charAt(i));
          i++;
        }
        i++;
      } else {
        if (text.charAt(i) == '{') {
          throw new NotOneDimensional(
              "its value '"
                  + abbreviate(text)
                  + "' has several dimensions, which a list does not hold");
        }
        while (i < end && text.charAt(i) != delimiter) {
          element.append(text.charAt(i));
          i++;
        }
      }
      String value = element.toString();
      elements.add(!quoted && value.equalsIgnoreCase("NULL") ? null : value);
      if (i >= end) {
        return elements;
      }
      i++; // the delimiter
    }
  }

  private static String abbreviate(String text) {
    return text.length() > 60 ? text.substring(0, 60) + "..." : text;
  }
}
