package dev.cdcsync.runtime.definition;

/**
 * One option's text as written in the pipeline file, after environment substitution.
 *
 * @param list whether the file gave a YAML list; {@code text} then joins its items with commas
 */
public record ConfigValue(String text, int line, boolean list) {

  public ConfigValue(String text, int line) {
    this(text, line, false);
  }
}
