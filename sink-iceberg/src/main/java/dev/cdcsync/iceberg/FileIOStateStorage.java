package dev.cdcsync.iceberg;

import dev.cdcsync.api.StateStorage;
import dev.cdcsync.util.Retry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.SupportsPrefixOperations;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Pipeline state files through Iceberg's FileIO, so they live wherever the warehouse can. {@link
 * #create} is exclusive: on S3 through a conditional put, elsewhere through the file system's
 * create-if-absent; a file that exists fails with {@link java.nio.file.FileAlreadyExistsException}.
 */
final class FileIOStateStorage implements StateStorage {

  private final SupportsPrefixOperations io;
  private final String location;

  FileIOStateStorage(SupportsPrefixOperations io, String location) {
    this.io = io;
    this.location = location.endsWith("/") ? location : location + "/";
  }

  @Override
  public void create(String name, byte[] content) throws IOException {
    if (io instanceof S3FileIO s3) {
      S3ConditionalWrites.createIfAbsent(s3, location + name, content);
      return;
    }
    try (OutputStream out = io.newOutputFile(location + name).create()) {
      out.write(content);
    } catch (AlreadyExistsException e) {
      throw new java.nio.file.FileAlreadyExistsException(location + name, null, "it exists");
    }
  }

  @Override
  public Optional<byte[]> read(String name) throws IOException {
    InputFile file = io.newInputFile(location + name);
    try {
      // S3 answers a ranged read of an empty object (S3FileIO always reads from a position) with
      // 416, so an empty file is recognised by its length.
      if (file.getLength() == 0) {
        return Optional.of(new byte[0]);
      }
      try (InputStream in = file.newStream()) {
        return Optional.of(in.readAllBytes());
      }
    } catch (NotFoundException | java.io.FileNotFoundException | NoSuchKeyException e) {
      // S3FileIO's getLength() lets the SDK's NoSuchKeyException through.
      return Optional.empty();
    }
  }

  /** Listings that fail because a file vanished while being listed are tried this many times. */
  static final int LIST_ATTEMPTS = 3;

  /**
   * Lists the files. The pipeline replaces its heartbeat file while other threads list, and a
   * local listing (Hadoop's) reads each file's status after reading the directory, so a file
   * deleted in between fails the whole listing; it is then listed again.
   */
  @Override
  public List<String> list() throws IOException {
    return Retry.attempts(LIST_ATTEMPTS).run(this::listOnce);
  }

  private List<String> listOnce() {
    List<String> names = new ArrayList<>();
    try {
      for (FileInfo file : io.listPrefix(location)) {
        String path = file.location();
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (!name.isEmpty()
            && path.substring(0, path.lastIndexOf('/') + 1).endsWith(stripScheme(location))) {
          names.add(name);
        }
      }
    } catch (NotFoundException | java.io.UncheckedIOException e) {
      return names;
    }
    return names;
  }

  @Override
  public void delete(String name) {
    io.deleteFile(location + name);
  }

  @Override
  public String location() {
    return location;
  }

  @Override
  public void close() {
    io.close();
  }

  private static String stripScheme(String location) {
    int scheme = location.indexOf(":");
    String path = scheme >= 0 ? location.substring(scheme + 1) : location;
    while (path.startsWith("//")) {
      path = path.substring(1);
    }
    return path;
  }
}
