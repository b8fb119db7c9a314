package dev.cdcsync.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.StateStorage;
import dev.cdcsync.api.StateStorageContractTest;
import dev.cdcsync.iceberg.testing.TestObjectStore;
import dev.cdcsync.iceberg.testing.TestObjectStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The state store on a real S3-compatible server (MinIO or S3Proxy), opened as the sink opens it. */
class S3StateStorageTest extends StateStorageContractTest {

  private static final String BUCKET = "state-storage-test";

  @Override
  protected StateStorage emptyStorage() {
    TestObjectStore store = TestObjectStores.s3();
    store.createBucket(BUCKET);
    return open(store, "s3://" + BUCKET + "/" + UUID.randomUUID() + "/.cdc-sync/shop");
  }

  @Test
  void listsOnlyTheFilesOfItsOwnPipeline() throws Exception {
    TestObjectStore store = TestObjectStores.s3();
    store.createBucket(BUCKET);
    String root = "s3://" + BUCKET + "/" + UUID.randomUUID() + "/.cdc-sync/";
    StateStorage shop = open(store, root + "shop");
    StateStorage shop2 = open(store, root + "shop2");
    StateStorage nested = open(store, root + "shop/nested");

    shop.create("epoch-1", bytes("a"));
    shop2.create("epoch-7", bytes("b"));
    nested.create("epoch-9", bytes("c"));

    assertThat(shop.list()).containsExactly("epoch-1");
    assertThat(shop.location()).isEqualTo(root + "shop/");
  }

  @Test
  void letsExactlyOneOfConcurrentCreatorsWin() throws Exception {
    Assumptions.assumeTrue(
        TestObjectStores.s3().atomicConditionalWrites(),
        "S3Proxy checks If-None-Match before it writes, not atomically; atomicity is tested"
            + " against MinIO (Testcontainers, where Docker is reachable)");
    StateStorage storage = emptyStorage();
    int writers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        byte[] content = bytes("writer " + i);
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  try {
                    storage.create("epoch-00000000000000000002", content);
                    return true;
                  } catch (FileAlreadyExistsException e) {
                    return false;
                  }
                }));
      }
      start.countDown();
      int winners = 0;
      for (Future<Boolean> result : results) {
        winners += result.get() ? 1 : 0;
      }
      assertThat(winners).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void refusesToOverwriteAFileWrittenByAnotherStoreInstance() throws Exception {
    StateStorage storage = emptyStorage();
    StateStorage other = open(TestObjectStores.s3(), storage.location());
    storage.create("checkpoint-1.json", bytes("mine"));

    assertThatThrownBy(() -> other.create("checkpoint-1.json", bytes("theirs")))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessage(
            storage.location()
                + "checkpoint-1.json: it exists (or another instance is creating it)");
    assertThat(other.read("checkpoint-1.json").orElseThrow()).isEqualTo(bytes("mine"));
  }

  static StateStorage open(TestObjectStore store, String location) {
    Map<String, String> options = new HashMap<>();
    options.put("catalog.properties.type", "jdbc");
    store
        .fileIoPropertiesWithCredentials()
        .forEach((key, value) -> options.put(IcebergSinkFactory.CATALOG_PREFIX + key, value));
    return new IcebergSinkFactory().openStateStorage(Configuration.of(options), location);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
