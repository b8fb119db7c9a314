package dev.cdcsync.iceberg;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.StateStorage;
import dev.cdcsync.api.StateStorageContractTest;
import java.nio.file.Files;
import java.util.Map;

/** The state store in a local directory, opened as the sink opens it. */
class LocalFileIOStateStorageTest extends StateStorageContractTest {

  @Override
  protected StateStorage emptyStorage() throws Exception {
    String location = Files.createTempDirectory("state").resolve("shop").toUri().toString();
    return new IcebergSinkFactory()
        .openStateStorage(Configuration.of(Map.of("catalog.properties.type", "hadoop")), location);
  }
}
