package dev.cdcsync.runtime;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * Remembers the last committed checkpoint of a pipeline in its state directory, so checkpoint ids
 * keep increasing across restarts. Written atomically (temporary file, then rename).
 */
public final class CheckpointStore {

  /** The last committed checkpoint. */
  public record CommittedCheckpoint(long id, String sourcePosition, Instant committedAt) {}

  private static final String FILE = "last-checkpoint.properties";

  private final Path directory;

  public CheckpointStore(Path directory) {
    this.directory = directory;
  }

  public Optional<CommittedCheckpoint> load() throws IOException {
    Path file = directory.resolve(FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    }
    return Optional.of(
        new CommittedCheckpoint(
            Long.parseLong(properties.getProperty("id")),
            properties.getProperty("source-position", ""),
            Instant.parse(properties.getProperty("committed-at"))));
  }

  public void save(CommittedCheckpoint checkpoint) throws IOException {
    Files.createDirectories(directory);
    Properties properties = new Properties();
    properties.setProperty("id", Long.toString(checkpoint.id()));
    properties.setProperty("source-position", checkpoint.sourcePosition());
    properties.setProperty("committed-at", checkpoint.committedAt().toString());
    Path temporary = Files.createTempFile(directory, FILE, ".tmp");
    try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
      properties.store(writer, "cdc-sync: last committed checkpoint");
    }
    Files.move(
        temporary,
        directory.resolve(FILE),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }
}
