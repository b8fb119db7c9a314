package dev.cdcsync.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.Configuration;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JdbcConnectionsTest {

  @Test
  void triesAFailedConnectionAgainAsConnectMaxRetriesSays() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort(); // closed again: nothing listens there
    }
    Configuration options =
        Configuration.of(
            Map.of(
                "hostname",
                "127.0.0.1",
                "username",
                "cdc",
                "connect.max-retries",
                "2",
                "connect.timeout",
                "2s"));

    long started = System.nanoTime();
    assertThatThrownBy(
            () ->
                JdbcConnections.open(
                    "jdbc:postgresql://127.0.0.1:" + port + "/shop", options, "PostgreSQL at test"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Cannot connect to PostgreSQL at test as user 'cdc': ");
    // Two pauses of 1 s between three attempts, each refused at once.
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(20));
  }

  @Test
  void givesPostgresItsConnectTimeoutInWholeSeconds() {
    assertThat(JdbcConnections.postgresSeconds(Duration.ofMillis(250))).isEqualTo(1);
    assertThat(JdbcConnections.postgresSeconds(Duration.ofMillis(30_001))).isEqualTo(31);
  }
}
