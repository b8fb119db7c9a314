package dev.cdcsync.runtime.transform;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Jars compiled by a test from Java sources, as a user would build a plugin. */
public final class TestJars {

  private TestJars() {}

  /**
   * Compiles the sources (class name to source text) against {@code classpath} and packs the
   * classes into {@code directory/jarName}.
   */
  public static Path compile(
      Path directory, String jarName, List<Path> classpath, Map<String, String> sources)
      throws IOException {
    Path sourceRoot = Files.createTempDirectory(directory, "sources");
    Path classes = Files.createTempDirectory(directory, "classes");
    List<String> arguments = new ArrayList<>(List.of("-d", classes.toString(), "--release", "17"));
    if (!classpath.isEmpty()) {
      arguments.add("-classpath");
      arguments.add(
          classpath.stream()
              .map(Path::toString)
              .collect(Collectors.joining(java.io.File.pathSeparator)));
    }
    for (Map.Entry<String, String> source : sources.entrySet()) {
      Path file = sourceRoot.resolve(source.getKey().replace('.', '/') + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, source.getValue());
      arguments.add(file.toString());
    }
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
    int status = compiler.run(null, null, errors, arguments.toArray(String[]::new));
    if (status != 0) {
      throw new IllegalStateException("javac failed:\n" + errors);
    }
    Path jar = directory.resolve(jarName);
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream packed = new JarOutputStream(out);
        Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        packed.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
        packed.write(Files.readAllBytes(file));
        packed.closeEntry();
      }
    }
    return jar;
  }
}
