package dev.cdcsync.runtime.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.FencedException;
import dev.cdcsync.api.InMemoryStateStorage;
import dev.cdcsync.api.SourcePosition;
import dev.cdcsync.api.TableId;
import dev.cdcsync.runtime.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CheckpointStoreTest {

  private static final String PIPELINE = "shop-sync";
  private static final Instant CREATED = Instant.parse("2025-03-01T12:00:30.123456789Z");
  private static final TableId TWO_PARTS = TableId.of("public", "items");
  private static final TableId THREE_PARTS = TableId.of("shop", "public", "orders");

  /** How a crash while writing leaves a record. */
  enum Tear {
    NOTHING_WRITTEN,
    HALF_WRITTEN,
    CHECKSUM_MISSING,
    CHECKSUM_CUT_SHORT
  }

  private final InMemoryStateStorage storage = new InMemoryStateStorage("memory:/state/shop-sync/");
  private final CheckpointStore store = new CheckpointStore(storage);

  @Test
  void findsNoRecordBeforeTheFirstWrite() throws Exception {
    assertThat(store.latest()).isEmpty();
  }

  @Test
  void readsBackARecordWithBinaryPreparedFilesAndTableIdsOfTwoAndThreeParts() throws Exception {
    byte[] everyByte = new byte[256];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = (byte) i;
    }
    Map<TableId, byte[]> tables = new LinkedHashMap<>();
    tables.put(TWO_PARTS, everyByte);
    tables.put(THREE_PARTS, new byte[0]);
    SourcePosition position =
        new SourcePosition(
            Map.of(
                "{\"server\":\"shop\"}", "{\"lsn\":23808840,\"txId\":771}",
                "file \u00e9t\u00e9", "line\nbreak \"quoted\" #crc32=0"),
            "lsn=0/16B3748 \u00e9t\u00e9");
    CheckpointRecord written = new CheckpointRecord(42, PIPELINE, 3, CREATED, position, tables);

    store.write(written);

    CheckpointRecord read = new CheckpointStore(storage).latest().orElseThrow();
    assertThat(read).usingRecursiveComparison().ignoringFields("tables").isEqualTo(written);
    assertThat(read.tables()).containsOnlyKeys(TWO_PARTS, THREE_PARTS);
    assertThat(read.tables().keySet())
        .containsExactly(
            new TableId(null, "public", "items"), new TableId("shop", "public", "orders"));
    assertThat(read.tables().get(TWO_PARTS)).containsExactly(everyByte);
    assertThat(read.tables().get(THREE_PARTS)).isEmpty();
  }

  @Test
  void returnsTheRecordOfTheHighestIdNotTheHighestName() throws Exception {
    store.write(record(9, "pos-9"));
    store.write(record(10, "pos-10"));
    store.write(record(100, "pos-100"));

    assertThat(store.latest().orElseThrow().position().description()).isEqualTo("pos-100");
  }

  @ParameterizedTest
  @EnumSource(Tear.class)
  void ignoresATornRecord(Tear tear) throws Exception {
    store.write(record(1, "pos-1"));
    store.write(record(2, "pos-2"));
    storage.create(CheckpointStore.name(3), tear(CheckpointStore.encode(record(3, "pos-3")), tear));

    CheckpointRecord latest = store.latest().orElseThrow();

    assertThat(latest.id()).isEqualTo(2);
    assertThat(latest.position().description()).isEqualTo("pos-2");
  }

  @Test
  void ignoresARecordWhoseContentChangedAfterWriting() throws Exception {
    store.write(record(1, "pos-1"));
    store.write(record(2, "pos-2"));
    String text =
        new String(storage.read(CheckpointStore.name(2)).orElseThrow(), StandardCharsets.UTF_8);
    storage.delete(CheckpointStore.name(2));
    storage.create(
        CheckpointStore.name(2), text.replace("pos-2", "pos-9").getBytes(StandardCharsets.UTF_8));

    assertThat(store.latest().orElseThrow().id()).isEqualTo(1);
  }

  @Test
  void replacesATornRecordOfTheSameId() throws Exception {
    store.write(record(1, "pos-1"));
    storage.create(
        CheckpointStore.name(2),
        tear(CheckpointStore.encode(record(2, "pos-2-lost")), Tear.HALF_WRITTEN));

    store.write(record(2, "pos-2"));

    assertThat(store.latest().orElseThrow().position().description()).isEqualTo("pos-2");
  }

  @Test
  void refusesToReplaceACompleteRecordAsItWasWrittenByAnotherInstance() throws Exception {
    store.write(record(2, "pos-2"));

    assertThatThrownBy(() -> store.write(record(2, "pos-2-elsewhere")))
        .isInstanceOf(FencedException.class)
        .hasMessage(
            "Cannot write checkpoint 2 of pipeline 'shop-sync': another instance already wrote it"
                + " in memory:/state/shop-sync/");
    assertThat(store.latest().orElseThrow().position().description()).isEqualTo("pos-2");
  }

  @Test
  void prunesAllButTheNewestFiveRecordsAndLeavesOtherFiles() throws Exception {
    new InstanceLease(storage, PIPELINE, new MutableClock(CREATED), Duration.ofMinutes(1))
        .acquire();
    List<String> leaseFiles = storage.list();
    for (long id = 1; id <= 7; id++) {
      store.write(record(id, "pos-" + id));
    }

    store.prune();

    List<String> expected = new ArrayList<>(leaseFiles);
    LongStream.rangeClosed(3, 7).forEach(id -> expected.add(CheckpointStore.name(id)));
    assertThat(storage.list()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(store.latest().orElseThrow().id()).isEqualTo(7);
  }

  private static CheckpointRecord record(long id, String position) {
    return new CheckpointRecord(
        id,
        PIPELINE,
        1,
        CREATED,
        new SourcePosition(Map.of("offset", position), position),
        Map.of(TWO_PARTS, position.getBytes(StandardCharsets.UTF_8)));
  }

  private static byte[] tear(byte[] complete, Tear tear) {
    String text = new String(complete, StandardCharsets.UTF_8);
    int checksum = text.lastIndexOf("\n#crc32=");
    return switch (tear) {
      case NOTHING_WRITTEN -> new byte[0];
      case HALF_WRITTEN -> Arrays.copyOf(complete, complete.length / 2);
      case CHECKSUM_MISSING -> Arrays.copyOf(complete, checksum);
      case CHECKSUM_CUT_SHORT -> Arrays.copyOf(complete, complete.length - 3);
    };
  }
}
