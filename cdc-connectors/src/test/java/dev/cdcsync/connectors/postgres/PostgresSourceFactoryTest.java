package dev.cdcsync.connectors.postgres;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.PermanentPipelineException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresSourceFactoryTest {

  @Test
  void aPipelineThatOnlyLoadsTakesNoRequestToLoadATableAgainWhileItRuns() {
    Configuration options = Configuration.of(Map.of("scan.startup.mode", "snapshot"));

    assertThatThrownBy(
            () -> new PostgresSourceFactory().requestReload(options, null, List.of("public.t")))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessageContaining("Cannot load table(s) public.t again now")
        .hasMessageContaining("scan.startup.mode snapshot");
  }
}
