package dev.cdcsync.iceberg;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.Sink;
import dev.cdcsync.api.SinkContract;
import dev.cdcsync.api.TableId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.io.TempDir;

/** The sink contract on a Hadoop catalog, read back with Iceberg's generic reader. */
class IcebergSinkContractTest extends SinkContract {

  @TempDir Path warehouse;

  private Configuration options() {
    return Configuration.of(
        Map.of(
            "catalog.properties.type",
            "hadoop",
            "catalog.properties.warehouse",
            warehouse.toUri().toString()));
  }

  @Override
  protected Sink openSink() {
    Path state = warehouse.resolve(".state");
    IcebergSinkFactory factory = new IcebergSinkFactory();
    return factory.create(
        options(),
        new PipelineContext(
            "contract", state, factory.openStateStorage(options(), state.toUri().toString())));
  }

  @Override
  protected List<List<Object>> committedRows(TableId table) throws Exception {
    Table loaded = IcebergSinkFactory.catalog(options()).loadTable(IcebergTables.identifier(table));
    List<List<Object>> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(loaded).build()) {
      for (Record record : records) {
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < loaded.schema().columns().size(); i++) {
          values.add(record.get(i));
        }
        rows.add(values);
      }
    }
    return rows;
  }
}
