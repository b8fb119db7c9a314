package dev.cdcsync.runtime.definition;

/** One option's text as written in the pipeline file, after environment substitution. */
public record ConfigValue(String text, int line) {}
