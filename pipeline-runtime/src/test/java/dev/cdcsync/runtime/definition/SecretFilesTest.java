package dev.cdcsync.runtime.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.cdcsync.api.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ${file:...}}: secrets mounted as files (Docker and Kubernetes secrets). */
class SecretFilesTest {

  @TempDir Path directory;

  private final PipelineDefinitionParser parser =
      new PipelineDefinitionParser(Map.of("USER", "cdc")::get);

  @Test
  void substitutesAFilesContentWithoutItsTrailingLineBreaks() throws Exception {
    Path password = Files.writeString(directory.resolve("pg-password"), "s3cr$t\\1 }\r\n\n");
    Path token = Files.writeString(directory.resolve("token"), "line one\nline two");

    PipelineDefinition definition =
        parser.parse(
            "source:\n"
                + "  type: postgres\n"
                + "  password: ${file:"
                + password
                + "}\n"
                + "  url: user=${USER};token=${file:"
                + token
                + "}\n"
                + "sink:\n"
                + "  type: iceberg\n",
            "secrets.yaml");

    assertThat(definition.source().options())
        .containsExactly(
            entry("password", new ConfigValue("s3cr$t\\1 }", 3)),
            entry("url", new ConfigValue("user=cdc;token=line one\nline two", 4)));
  }

  @Test
  void namesTheLineOptionAndFileThatCannotBeReadWithoutQuotingAnyContent() throws Exception {
    Path missing = directory.resolve("missing");
    Path folder = Files.createDirectory(directory.resolve("a-folder"));

    assertThatThrownBy(
            () ->
                parser.parse(
                    "source:\n"
                        + "  type: postgres\n"
                        + "  password: ${file:"
                        + missing
                        + "}\n"
                        + "sink:\n"
                        + "  type: iceberg\n"
                        + "  catalog.properties.jdbc.password: ${file:"
                        + folder
                        + "}\n",
                    "secrets.yaml"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot load pipeline secrets.yaml:\n"
                + "  line 3: source option 'password' refers to file "
                + missing
                + ", which cannot be read (no such file)\n"
                + "  line 6: sink option 'catalog.properties.jdbc.password' refers to file "
                + folder
                + ", which cannot be read (IOException)");
  }
}
