package dev.cdcsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What every {@link StateStorage} must do. An implementation's test extends this class and supplies
 * an empty storage; a storage that cannot tell whether a file exists overrides {@link
 * #refusesToCreateAFileThatExists()} to say so.
 */
public abstract class StateStorageContractTest {

  /** A storage without files. */
  protected abstract StateStorage emptyStorage() throws Exception;

  @Test
  public void readsBackWhatWasCreatedByteForByte() throws Exception {
    StateStorage storage = emptyStorage();
    byte[] everyByte = new byte[256];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = (byte) i;
    }

    storage.create("checkpoint-1.json", everyByte);
    storage.create("alive-1", new byte[0]);

    assertThat(storage.read("checkpoint-1.json").orElseThrow()).containsExactly(everyByte);
    assertThat(storage.read("alive-1").orElseThrow()).isEmpty();
  }

  @Test
  public void readsNothingForAFileThatDoesNotExist() throws Exception {
    assertThat(emptyStorage().read("checkpoint-1.json")).isEmpty();
  }

  @Test
  public void listsTheNamesOfAllFiles() throws Exception {
    StateStorage storage = emptyStorage();
    assertThat(storage.list()).isEmpty();

    storage.create("epoch-1", bytes("a"));
    storage.create("alive-1-1000", bytes(""));
    storage.create("checkpoint-1.json", bytes("{}"));

    assertThat(storage.list())
        .containsExactlyInAnyOrder("epoch-1", "alive-1-1000", "checkpoint-1.json");
  }

  @Test
  public void deletesAFileAndIgnoresOneThatDoesNotExist() throws Exception {
    StateStorage storage = emptyStorage();
    storage.create("alive-1-1000", bytes(""));
    storage.create("epoch-1", bytes("a"));

    storage.delete("alive-1-1000");
    storage.delete("alive-1-2000");

    assertThat(storage.list()).containsExactly("epoch-1");
    assertThat(storage.read("alive-1-1000")).isEmpty();
  }

  @Test
  public void refusesToCreateAFileThatExists() throws Exception {
    StateStorage storage = emptyStorage();
    storage.create("epoch-1", bytes("first"));

    assertThatThrownBy(() -> storage.create("epoch-1", bytes("second")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(storage.location())
        .hasMessageContaining("epoch-1");
    assertThat(storage.read("epoch-1").orElseThrow()).isEqualTo(bytes("first"));
  }

  @Test
  public void keepsAFileAsCreatedWhenTheCallerReusesItsArray() throws Exception {
    StateStorage storage = emptyStorage();
    byte[] content = bytes("first");

    storage.create("epoch-1", content);
    content[0] = 'F';
    storage.read("epoch-1").orElseThrow()[1] = 'I';

    assertThat(storage.read("epoch-1").orElseThrow()).isEqualTo(bytes("first"));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
