package dev.cdcsync.api;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A flat directory of small files where a pipeline keeps its state, wherever the warehouse is
 * (local disk, HDFS, object store). Files are written whole and never changed. Closing releases
 * the connections it holds.
 */
public interface StateStorage extends AutoCloseable {

  /** Writes a new file; fails if it exists, where the storage can tell. */
  void create(String name, byte[] content) throws IOException;

  /** A file's content, or empty if it does not exist. */
  Optional<byte[]> read(String name) throws IOException;

  /** The names of all files. */
  List<String> list() throws IOException;

  /** Deletes a file; no error if it does not exist. */
  void delete(String name) throws IOException;

  /** Where the files are, for messages. */
  String location();

  /** Releases the storage's connections; files stay. Idempotent. */
  @Override
  default void close() {}
}
