package dev.cdcsync.bench;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** The benchmark's temporary directory: pipeline files, cdc-sync logs, warehouses. */
final class Workspace implements AutoCloseable {

  private final Path directory;

  private Workspace(Path directory) {
    this.directory = directory;
  }

  static Workspace create() throws IOException {
    Workspace workspace = new Workspace(Files.createTempDirectory("cdc-sync-bench-"));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(workspace::deleteQuietly, "delete-" + workspace.directory.getFileName()));
    return workspace;
  }

  Path directory() {
    return directory;
  }

  @Override
  public void close() {
    deleteQuietly();
  }

  private void deleteQuietly() {
    try {
      deleteRecursively(directory);
    } catch (IOException e) {
      System.err.println(
          "Cannot delete the benchmark's temporary directory " + directory + ": " + e.getMessage());
    }
  }

  static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path directory, IOException failure)
              throws IOException {
            Files.deleteIfExists(directory);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
