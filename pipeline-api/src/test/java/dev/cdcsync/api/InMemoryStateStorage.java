package dev.cdcsync.api;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * A {@link StateStorage} in memory, safe from any thread. Tests can watch the files being
 * created, e.g. to see a checkpoint record's place among a sink's calls.
 */
public final class InMemoryStateStorage implements StateStorage {

  private final String location;
  private final Map<String, byte[]> files = new TreeMap<>();
  private final List<BiConsumer<String, byte[]>> createListeners = new CopyOnWriteArrayList<>();

  public InMemoryStateStorage(String location) {
    this.location = location;
  }

  /** Calls {@code listener} with the name and content of every file created from now on. */
  public InMemoryStateStorage onCreate(BiConsumer<String, byte[]> listener) {
    createListeners.add(listener);
    return this;
  }

  @Override
  public void create(String name, byte[] content) throws IOException {
    synchronized (files) {
      if (files.containsKey(name)) {
        throw new IOException("Cannot create state file " + location + name + ": it exists");
      }
      files.put(name, content.clone());
    }
    createListeners.forEach(listener -> listener.accept(name, content.clone()));
  }

  @Override
  public Optional<byte[]> read(String name) {
    synchronized (files) {
      return Optional.ofNullable(files.get(name)).map(byte[]::clone);
    }
  }

  @Override
  public List<String> list() {
    synchronized (files) {
      return List.copyOf(files.keySet());
    }
  }

  @Override
  public void delete(String name) {
    synchronized (files) {
      files.remove(name);
    }
  }

  @Override
  public String location() {
    return location;
  }
}
