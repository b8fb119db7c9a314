package dev.cdcsync.iceberg;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file:} warehouses and state), less the processes it starts.
 * Without Hadoop's native library, which cdc-sync does not ship, {@link RawLocalFileSystem} runs
 * {@code chmod} for every file and directory it creates and {@code ls -ld} for every file status
 * whose permissions are read: about 40 processes per table commit, which more than doubled the
 * time ten changes in each of 500 tables took to be visible (21.3 s against 9.8 s without). This
 * one sets and reads permissions through {@code java.nio}; the files on disk, checksum files
 * included, are the same.
 */
public final class ForklessLocalFileSystem extends LocalFileSystem {

  public ForklessLocalFileSystem() {
    super(new Raw());
  }

  /**
   * A Hadoop configuration whose {@code file:} scheme is this file system, without Hadoop's default
   * resources ({@code core-default.xml}, {@code core-site.xml}): Iceberg copies the configuration
   * for every Parquet file it opens, and copying the ~1,000 defaults was ~9 % of the profile of
   * many small table commits. Hadoop's code carries the same defaults, and cdc-sync reads no Hadoop
   * file system that a site file would configure ({@code s3://} goes through Iceberg's S3FileIO).
   */
  static Configuration hadoopConfiguration() {
    Configuration configuration = new Configuration(false);
    configuration.setClass("fs.file.impl", ForklessLocalFileSystem.class, LocalFileSystem.class);
    return configuration;
  }

  private static final class Raw extends RawLocalFileSystem {

    private static final PosixFilePermission[] BITS = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ,
    };

    @Override
    public void setPermission(Path path, FsPermission permission) throws IOException {
      Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
      short mode = permission.toShort();
      for (int bit = 0; bit < BITS.length; bit++) {
        if ((mode & (1 << bit)) != 0) {
          permissions.add(BITS[bit]);
        }
      }
      Files.setPosixFilePermissions(pathToFile(path).toPath(), permissions);
    }

    /** The status with its permissions, owner and group read now, so nothing forks for them. */
    @Override
    public FileStatus getFileStatus(Path path) throws IOException {
      FileStatus status = super.getFileStatus(path);
      PosixFileAttributes attributes;
      try {
        attributes = Files.readAttributes(pathToFile(path).toPath(), PosixFileAttributes.class);
      } catch (NoSuchFileException e) {
        // Gone since: Hadoop's callers (a delete of a file that may be gone) expect this type.
        throw new FileNotFoundException("File " + path + " does not exist");
      }
      short mode = 0;
      for (int bit = 0; bit < BITS.length; bit++) {
        if (attributes.permissions().contains(BITS[bit])) {
          mode |= (short) (1 << bit);
        }
      }
      return new FileStatus(
          status.getLen(),
          status.isDirectory(),
          status.getReplication(),
          status.getBlockSize(),
          status.getModificationTime(),
          status.getAccessTime(),
          new FsPermission(mode),
          attributes.owner().getName(),
          attributes.group().getName(),
          status.getPath());
    }

    /** As Hadoop's, each entry through {@link #getFileStatus}, a plain file's too. */
    @Override
    public FileStatus[] listStatus(Path path) throws IOException {
      FileStatus[] statuses = super.listStatus(path);
      if (statuses.length == 1 && !pathToFile(path).isDirectory()) {
        return new FileStatus[] {getFileStatus(path)};
      }
      return statuses;
    }
  }
}
