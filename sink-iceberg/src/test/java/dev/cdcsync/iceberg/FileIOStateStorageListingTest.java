package dev.cdcsync.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.FileInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A listing that fails because a file vanished mid-listing (a replaced heartbeat) is listed again. */
class FileIOStateStorageListingTest {

  @TempDir Path directory;

  @Test
  void listsAgainWhenAFileVanishedWhileBeingListed() throws Exception {
    AtomicInteger failuresLeft = new AtomicInteger(FileIOStateStorage.LIST_ATTEMPTS - 1);
    FileIOStateStorage storage =
        new FileIOStateStorage(flakyListing(failuresLeft), directory.toUri().toString());
    storage.create("checkpoint-1", "x".getBytes(StandardCharsets.UTF_8));

    assertThat(storage.list()).containsExactly("checkpoint-1");
    // Every failure was used up, then one listing succeeded.
    assertThat(failuresLeft).hasValue(-1);
  }

  @Test
  void givesUpAfterTheLastAttempt() throws Exception {
    AtomicInteger failuresLeft = new AtomicInteger(FileIOStateStorage.LIST_ATTEMPTS);
    FileIOStateStorage storage =
        new FileIOStateStorage(flakyListing(failuresLeft), directory.toUri().toString());

    assertThatThrownBy(storage::list)
        .isInstanceOf(RuntimeException.class)
        .hasMessage("file vanished while listed");
  }

  /** Hadoop's local listing, failing as it does when a listed file is deleted before its status is read. */
  private static HadoopFileIO flakyListing(AtomicInteger failuresLeft) {
    return new HadoopFileIO(new org.apache.hadoop.conf.Configuration()) {
      @Override
      public Iterable<FileInfo> listPrefix(String prefix) {
        if (failuresLeft.getAndDecrement() > 0) {
          throw new RuntimeException("file vanished while listed");
        }
        return super.listPrefix(prefix);
      }
    };
  }
}
