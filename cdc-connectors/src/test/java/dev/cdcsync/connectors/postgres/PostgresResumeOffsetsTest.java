package dev.cdcsync.connectors.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PostgresResumeOffsetsTest {

  @Test
  void aMessageOutsideATransactionLosesItsTypeAndKeepsItsPosition() {
    String offset =
        "{\"lsn_proc\":26198248,\"messageType\":\"MESSAGE\",\"lsn_commit\":26198248,\"lsn\":26198248,\"ts_usec\":1}";

    assertThat(PostgresResumeOffsets.resumable(offset))
        .isEqualTo(
            "{\"lsn_proc\":26198248,\"lsn_commit\":26198248,\"lsn\":26198248,\"ts_usec\":1}");
  }

  @Test
  void aCommitOrAMessageInsideATransactionStaysAsItIs() {
    String commit =
        "{\"lsn_proc\":100,\"messageType\":\"COMMIT\",\"lsn_commit\":100,\"lsn\":100,\"txId\":7}";
    String inside =
        "{\"lsn_proc\":120,\"messageType\":\"MESSAGE\",\"lsn_commit\":100,\"lsn\":120,\"txId\":7}";
    String snapshot =
        "{\"last_snapshot_record\":true,\"lsn\":90,\"txId\":6,\"snapshot\":\"INITIAL\"}";

    assertThat(PostgresResumeOffsets.resumable(commit)).isEqualTo(commit);
    assertThat(PostgresResumeOffsets.resumable(inside)).isEqualTo(inside);
    assertThat(PostgresResumeOffsets.resumable(snapshot)).isEqualTo(snapshot);
  }
}
