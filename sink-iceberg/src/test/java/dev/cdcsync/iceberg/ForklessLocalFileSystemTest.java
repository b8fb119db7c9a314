package dev.cdcsync.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForklessLocalFileSystemTest {

  @TempDir java.nio.file.Path directory;

  @Test
  void setsAndReadsPermissionsThroughJavaNio() throws Exception {
    FileSystem fs =
        FileSystem.newInstance(directory.toUri(), ForklessLocalFileSystem.hadoopConfiguration());
    assertThat(fs).isInstanceOf(ForklessLocalFileSystem.class).isInstanceOf(LocalFileSystem.class);
    Path file = new Path(directory.toUri().toString(), "sub/data.bin");
    try (OutputStream out = fs.create(file)) {
      out.write(new byte[] {1, 2, 3});
    }
    // Hadoop's checksum file beside it, as with Hadoop's own local file system.
    assertThat(directory.resolve("sub/.data.bin.crc")).exists();

    fs.setPermission(file, new FsPermission((short) 0640));
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(directory.resolve("sub/data.bin"))))
        .isEqualTo("rw-r-----");

    FileStatus status = fs.getFileStatus(file);
    assertThat(status.getClass()).isEqualTo(FileStatus.class);
    assertThat(status.getLen()).isEqualTo(3);
    assertThat(status.getPermission().toShort()).isEqualTo((short) 0640);
    assertThat(status.getOwner())
        .isEqualTo(Files.getOwner(directory.resolve("sub/data.bin")).getName());

    FileStatus[] listed = fs.listStatus(new Path(directory.toUri().toString(), "sub"));
    assertThat(listed).extracting(s -> s.getPath().getName()).containsExactly("data.bin");
    assertThat(listed[0].getClass()).isEqualTo(FileStatus.class);
    assertThat(listed[0].getPermission().toShort()).isEqualTo((short) 0640);
    assertThat(fs.listStatus(file)).extracting(FileStatus::getLen).containsExactly(3L);

    // A file that is gone, as Hadoop's own says it: not found, and a delete that deletes nothing.
    Path gone = new Path(directory.toUri().toString(), "sub/gone.bin");
    assertThatThrownBy(() -> fs.getFileStatus(gone)).isInstanceOf(FileNotFoundException.class);
    assertThat(fs.delete(gone, false)).isFalse();
    assertThat(fs.delete(file, false)).isTrue();
    assertThat(directory.resolve("sub/data.bin")).doesNotExist();
    fs.close();
  }
}
