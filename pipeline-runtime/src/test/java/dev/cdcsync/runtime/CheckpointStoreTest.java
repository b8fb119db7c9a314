package dev.cdcsync.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.runtime.CheckpointStore.CommittedCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {

  @TempDir Path directory;

  @Test
  void loadsNothingBeforeTheFirstSave() throws Exception {
    assertThat(new CheckpointStore(directory.resolve("never-written")).load()).isEmpty();
  }

  @Test
  void loadsTheLastSavedCheckpoint() throws Exception {
    CheckpointStore store = new CheckpointStore(directory.resolve("pipelines/shop"));
    store.save(new CommittedCheckpoint(6, "lsn=0/16B3748", Instant.parse("2025-03-01T12:00:00Z")));
    CommittedCheckpoint last =
        new CommittedCheckpoint(
            7,
            "file=binlog.000003 pos=4711 gtid=3E11FA47:1-5 name=\u00e9t\u00e9",
            Instant.parse("2025-03-01T12:00:30.123Z"));
    store.save(last);

    assertThat(new CheckpointStore(directory.resolve("pipelines/shop")).load()).contains(last);
  }

  @Test
  void leavesOnlyTheCheckpointFileBehind() throws Exception {
    CheckpointStore store = new CheckpointStore(directory);
    store.save(new CommittedCheckpoint(1, "", Instant.parse("2025-03-01T12:00:00Z")));
    store.save(new CommittedCheckpoint(2, "", Instant.parse("2025-03-01T12:00:30Z")));

    try (Stream<Path> files = Files.list(directory)) {
      assertThat(files.map(file -> file.getFileName().toString()))
          .containsExactly("last-checkpoint.properties");
    }
  }
}
