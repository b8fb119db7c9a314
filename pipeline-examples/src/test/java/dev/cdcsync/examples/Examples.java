package dev.cdcsync.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The example pipeline files of this module. */
final class Examples {

  private Examples() {}

  static Path directory() {
    // Tests run with the module directory as working directory.
    return Path.of("").toAbsolutePath();
  }

  static List<Path> all() throws IOException {
    try (Stream<Path> files = Files.list(directory())) {
      return files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList();
    }
  }
}
