package dev.cdcsync.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.Test;

class PreparedTableTest {

  @Test
  void survivesItsBytesWithTheInitialLoadItHolds() throws Exception {
    PreparedTable prepared =
        new PreparedTable(7, 1234, null, new byte[] {1, 2}, "load-1", true, true);
    PreparedTable read = PreparedTable.fromBytes(prepared.toBytes());
    assertThat(read.changes()).isEqualTo(7);
    assertThat(read.maxSourceTimestamp()).isEqualTo(1234);
    assertThat(read.dataManifest()).isNull();
    assertThat(read.deleteManifest()).containsExactly(1, 2);
    assertThat(read.initialLoad()).isEqualTo("load-1");
    assertThat(read.replaces()).isTrue();
    assertThat(read.mirrorsSource()).isTrue();
    PreparedTable plain =
        PreparedTable.fromBytes(new PreparedTable(1, 2, null, null, null, false, false).toBytes());
    assertThat(plain.initialLoad()).isNull();
    assertThat(plain.replaces()).isFalse();
    assertThat(plain.mirrorsSource()).isFalse();
  }

  /** A checkpoint recorded by the version before: format 1, without the initial load. */
  @Test
  void readsTheFormatBefore() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(1);
      out.writeLong(3);
      out.writeLong(99);
      out.writeInt(-1);
      out.writeInt(1);
      out.write(5);
    }
    PreparedTable read = PreparedTable.fromBytes(bytes.toByteArray());
    assertThat(read.changes()).isEqualTo(3);
    assertThat(read.deleteManifest()).containsExactly(5);
    assertThat(read.initialLoad()).isNull();
    assertThat(read.replaces()).isFalse();
    assertThat(read.mirrorsSource()).isFalse();
  }
}
