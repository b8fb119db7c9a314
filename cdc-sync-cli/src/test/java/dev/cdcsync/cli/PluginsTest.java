package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.ConfigurationException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginsTest {

  @TempDir Path work;

  @Test
  void findsLibBesideTheJarThenTheEnvironmentThenEachFlag() throws Exception {
    Path jar = Files.writeString(work.resolve("cdc-sync.jar"), "");
    Path lib = Files.createDirectories(work.resolve("lib"));
    Path a = Files.createDirectories(work.resolve("a"));
    Path b = Files.createDirectories(work.resolve("b"));
    Path c = Files.createDirectories(work.resolve("c"));
    Path d = Files.createDirectories(work.resolve("d"));

    assertThat(
            Plugins.directories(
                new String[] {"run", "--plugins", c.toString(), "--plugins=" + d, "p.yaml"},
                Map.of(Plugins.ENVIRONMENT, a + File.pathSeparator + b)::get,
                jar))
        .containsExactly(lib, a, b, c, d);
    assertThat(Plugins.directories(new String[] {"run", "p.yaml"}, name -> null, work))
        .as("run from classes, not a jar: no lib directory")
        .isEmpty();
    assertThat(Plugins.open(java.util.List.of(a))).as("no jar: no class loader").isNull();
  }

  @Test
  void aDirectoryGivenThatDoesNotExistIsRefusedNamingWhereItWasGiven() {
    assertThatThrownBy(
            () ->
                Plugins.directories(
                    new String[] {"--plugins", work.resolve("nope").toString()},
                    name -> null,
                    null))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("Plugins directory " + work.resolve("nope") + " (--plugins) does not exist");
    assertThatThrownBy(
            () ->
                Plugins.directories(
                    new String[0],
                    Map.of(Plugins.ENVIRONMENT, work.resolve("gone").toString())::get,
                    null))
        .hasMessage(
            "Plugins directory " + work.resolve("gone") + " ($CDC_SYNC_PLUGINS) does not exist");
  }
}
