package dev.cdcsync.api;

class InMemoryStateStorageTest extends StateStorageContractTest {

  @Override
  protected StateStorage emptyStorage() {
    return new InMemoryStateStorage("memory:/state/");
  }
}
