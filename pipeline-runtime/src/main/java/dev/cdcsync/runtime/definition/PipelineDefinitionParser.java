package dev.cdcsync.runtime.definition;

import dev.cdcsync.api.ConfigurationException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a pipeline file in Flink CDC 3.x syntax into a {@link PipelineDefinition}.
 *
 * <p>Scalars may refer to environment variables as {@code ${NAME}} or {@code ${NAME:-default}},
 * and to the content of a file as {@code ${file:/run/secrets/name}} (Docker and Kubernetes
 * secrets; line breaks at its end are left out).
 * Every mistake is reported with its line number; values are never repeated in messages, since
 * they may be secrets.
 */
public final class PipelineDefinitionParser {

  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{(?:file:([^}]+)|([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?)}");

  /** Flink CDC's key of the user-defined functions, in section {@code pipeline}. */
  private static final String USER_FUNCTIONS = "user-defined-function";

  private static final List<String> SECTIONS =
      List.of("source", "sink", "route", "transform", "pipeline");

  private final Function<String, String> environment;

  public PipelineDefinitionParser(Function<String, String> environment) {
    this.environment = environment;
  }

  /** A parser substituting from the process environment. */
  public static PipelineDefinitionParser withSystemEnvironment() {
    return new PipelineDefinitionParser(System::getenv);
  }

  public PipelineDefinition parse(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigurationException("Cannot read pipeline file: no such file: " + file);
    } catch (IOException e) {
      throw new ConfigurationException(
          "Cannot read pipeline file: " + e.getMessage() + ": " + file, e);
    }
    return parse(text, file.toString());
  }

  public PipelineDefinition parse(String yaml, String location) {
    Node root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      root = new Yaml(options).compose(new StringReader(yaml));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      throw new ConfigurationException(
          "Cannot parse " + location + ": line " + line + ": " + problemWithoutText(e));
    } catch (YAMLException e) {
      throw new ConfigurationException("Cannot parse " + location + ": " + e.getMessage());
    }
    if (root == null) {
      throw new ConfigurationException(
          "Cannot parse "
              + location
              + ": the file is empty; it needs 'source' and 'sink' sections");
    }
    if (!(root instanceof MappingNode mapping)) {
      throw new ConfigurationException(
          "Cannot parse "
              + location
              + ": line "
              + line(root)
              + ": expected a mapping with 'source', 'sink' and 'pipeline' sections");
    }

    List<String> errors = new ArrayList<>();
    Map<String, ComponentDefinition> sections = new LinkedHashMap<>();
    Map<String, List<RuleDefinition>> rules = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String key = scalarKey(tuple.getKeyNode(), errors);
      if (key == null) {
        continue;
      }
      boolean repeated;
      if (!SECTIONS.contains(key)) {
        errors.add(
            "line "
                + line(tuple.getKeyNode())
                + ": unknown section '"
                + key
                + "'; allowed: "
                + String.join(", ", SECTIONS));
        continue;
      } else if (key.equals("route")) {
        repeated =
            rules.put(
                    key,
                    rules(
                        key,
                        RuleDefinition.ROUTE_KEYS,
                        List.of("source-table", "sink-table"),
                        tuple.getValueNode(),
                        errors))
                != null;
      } else if (key.equals("transform")) {
        repeated =
            rules.put(
                    key,
                    rules(
                        key,
                        RuleDefinition.TRANSFORM_KEYS,
                        List.of("source-table"),
                        tuple.getValueNode(),
                        errors))
                != null;
      } else if (key.equals("pipeline")) {
        Node pipeline = tuple.getValueNode();
        NodeTuple functions = removeKey(pipeline, USER_FUNCTIONS);
        if (functions != null) {
          rules.put(
              USER_FUNCTIONS,
              rules(
                  "pipeline." + USER_FUNCTIONS,
                  List.of("name", "classpath", "description"),
                  List.of("name", "classpath"),
                  functions.getValueNode(),
                  errors));
        }
        repeated = sections.put(key, section(key, pipeline, errors)) != null;
      } else {
        repeated = sections.put(key, section(key, tuple.getValueNode(), errors)) != null;
      }
      if (repeated) {
        errors.add("line " + line(tuple.getKeyNode()) + ": section '" + key + "' is given twice");
      }
    }
    for (String required : List.of("source", "sink")) {
      if (!sections.containsKey(required)) {
        errors.add("missing section '" + required + "'");
      }
    }
    if (!errors.isEmpty()) {
      throw invalid(location, errors);
    }
    return new PipelineDefinition(
        location,
        sections.get("source"),
        sections.get("sink"),
        sections.getOrDefault("pipeline", ComponentDefinition.empty("pipeline")),
        rules.getOrDefault("route", List.of()),
        rules.getOrDefault("transform", List.of()),
        rules.getOrDefault(USER_FUNCTIONS, List.of()));
  }

  /**
   * Takes the entry of {@code key} out of a mapping node (a list of mappings that the section's
   * flat options cannot hold); returns it, or null.
   */
  private static NodeTuple removeKey(Node node, String key) {
    if (!(node instanceof MappingNode mapping)) {
      return null;
    }
    for (NodeTuple tuple : mapping.getValue()) {
      if (tuple.getKeyNode() instanceof ScalarNode scalar && scalar.getValue().equals(key)) {
        List<NodeTuple> rest = new ArrayList<>(mapping.getValue());
        rest.remove(tuple);
        mapping.setValue(rest);
        return tuple;
      }
    }
    return null;
  }

  /**
   * A {@code route} or {@code transform} section, or {@code pipeline.user-defined-function}: a
   * list of mappings of single values.
   */
  private List<RuleDefinition> rules(
      String section, List<String> keys, List<String> required, Node node, List<String> errors) {
    if (!(node instanceof SequenceNode list)) {
      errors.add(
          "line "
              + line(node)
              + ": section '"
              + section
              + "' must be a list of "
              + (section.startsWith("pipeline.") ? "entries" : "rules")
              + ", each starting with '- "
              + required.get(0)
              + ": ...'");
      return List.of();
    }
    List<RuleDefinition> rules = new ArrayList<>();
    for (Node item : list.getValue()) {
      String rule = section + " rule " + (rules.size() + 1);
      if (!(item instanceof MappingNode ruleMapping)) {
        errors.add(
            "line "
                + line(item)
                + ": "
                + rule
                + " must be a mapping with keys "
                + String.join(", ", keys));
        rules.add(new RuleDefinition(section, rules.size() + 1, line(item), Map.of()));
        continue;
      }
      Map<String, ConfigValue> values = new LinkedHashMap<>();
      for (NodeTuple tuple : ruleMapping.getValue()) {
        String key = scalarKey(tuple.getKeyNode(), errors);
        if (key == null) {
          continue;
        }
        int keyLine = line(tuple.getKeyNode());
        if (!keys.contains(key)) {
          errors.add(
              "line "
                  + keyLine
                  + ": "
                  + rule
                  + ": unknown key '"
                  + key
                  + "'"
                  + OptionsValidator.suggestion(key, keys)
                  + "; allowed: "
                  + String.join(", ", keys));
        } else if (!(tuple.getValueNode() instanceof ScalarNode scalar)) {
          errors.add("line " + keyLine + ": " + rule + ": '" + key + "' must be a single value");
        } else if (values.put(
                key,
                new ConfigValue(substitute(scalar.getValue(), keyLine, rule, key, errors), keyLine))
            != null) {
          errors.add("line " + keyLine + ": " + rule + ": '" + key + "' is given twice");
        }
      }
      for (String key : required) {
        ConfigValue value = values.get(key);
        if (value == null || value.text().isBlank()) {
          errors.add("line " + line(item) + ": " + rule + " needs '" + key + "'");
        }
      }
      rules.add(new RuleDefinition(section, rules.size() + 1, line(item), values));
    }
    return rules;
  }

  static ConfigurationException invalid(String location, List<String> errors) {
    return new ConfigurationException(
        "Cannot load pipeline " + location + ":\n  " + String.join("\n  ", errors));
  }

  private ComponentDefinition section(String name, Node node, List<String> errors) {
    if (!(node instanceof MappingNode mapping)) {
      errors.add("line " + line(node) + ": section '" + name + "' must be a mapping of options");
      return ComponentDefinition.empty(name);
    }
    Map<String, ConfigValue> options = new LinkedHashMap<>();
    flatten("", mapping, options, name, errors);
    String type = null;
    ConfigValue typeValue = options.remove("type");
    if (typeValue != null) {
      type = typeValue.text().trim();
    }
    if (!name.equals("pipeline") && type == null) {
      errors.add("line " + line(node) + ": section '" + name + "' needs a 'type'");
    }
    return new ComponentDefinition(name, line(node), type, options);
  }

  private void flatten(
      String prefix,
      MappingNode mapping,
      Map<String, ConfigValue> into,
      String section,
      List<String> errors) {
    for (NodeTuple tuple : mapping.getValue()) {
      String key = scalarKey(tuple.getKeyNode(), errors);
      if (key == null) {
        continue;
      }
      String fullKey = prefix + key;
      Node value = tuple.getValueNode();
      if (value instanceof MappingNode nested) {
        flatten(fullKey + ".", nested, into, section, errors);
      } else if (value instanceof ScalarNode scalar) {
        String text = substitute(scalar.getValue(), line(scalar), section, fullKey, errors);
        if (into.put(fullKey, new ConfigValue(text, line(tuple.getKeyNode()))) != null) {
          errors.add(
              "line "
                  + line(tuple.getKeyNode())
                  + ": "
                  + section
                  + " option '"
                  + fullKey
                  + "' is given twice");
        }
      } else if (value instanceof SequenceNode list
          && list.getValue().stream().allMatch(ScalarNode.class::isInstance)) {
        // A list of values (e.g. include.schema.changes: [add.column, drop.column]) reaches the
        // option as its items joined by commas; options that take no list reject it.
        List<String> items = new ArrayList<>();
        for (Node item : list.getValue()) {
          items.add(
              substitute(((ScalarNode) item).getValue(), line(item), section, fullKey, errors));
        }
        if (into.put(
                fullKey, new ConfigValue(String.join(",", items), line(tuple.getKeyNode()), true))
            != null) {
          errors.add(
              "line "
                  + line(tuple.getKeyNode())
                  + ": "
                  + section
                  + " option '"
                  + fullKey
                  + "' is given twice");
        }
      } else {
        errors.add(
            "line "
                + line(value)
                + ": "
                + section
                + " option '"
                + fullKey
                + "' must be a single value or a list of values");
      }
    }
  }

  private String substitute(
      String text, int line, String section, String key, List<String> errors) {
    Matcher matcher = VARIABLE.matcher(text);
    StringBuilder result = new StringBuilder();
    while (matcher.find()) {
      if (matcher.group(1) != null) {
        matcher.appendReplacement(
            result,
            Matcher.quoteReplacement(fileContent(matcher.group(1), line, section, key, errors)));
        continue;
      }
      String name = matcher.group(2);
      String value = environment.apply(name);
      if ((value == null || value.isEmpty()) && matcher.group(3) != null) {
        // As in a shell: the default applies to an unset or empty variable.
        value = matcher.group(3);
      }
      if (value == null) {
        errors.add(
            "line "
                + line
                + ": "
                + section
                + " option '"
                + key
                + "' refers to environment variable "
                + name
                + ", which is not set (write ${"
                + name
                + ":-default} to give a default)");
        value = "";
      }
      matcher.appendReplacement(result, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(result);
    return result.toString();
  }

  /** A secret file's content without the line breaks at its end; never quoted in messages. */
  private static String fileContent(
      String file, int line, String section, String key, List<String> errors) {
    try {
      return Files.readString(Path.of(file)).replaceFirst("[\\r\\n]+$", "");
    } catch (IOException | RuntimeException e) {
      errors.add(
          "line "
              + line
              + ": "
              + section
              + " option '"
              + key
              + "' refers to file "
              + file
              + ", which cannot be read ("
              + (e instanceof NoSuchFileException ? "no such file" : e.getClass().getSimpleName())
              + ")");
      return "";
    }
  }

  /**
   * The parser's problem, cut where it would quote the file: an unquoted password such as {@code
   * *pa55} reads as an alias, {@code !pa!55} as a tag, and a bad escape sits inside a value.
   */
  private static String problemWithoutText(MarkedYAMLException e) {
    String problem = e.getProblem();
    if (problem == null) {
      return "invalid YAML";
    }
    if (problem.startsWith("found undefined alias")) {
      return "found undefined alias; quote values that start with '*'";
    }
    if (problem.startsWith("found undefined tag handle")) {
      return "found undefined tag handle; quote values that start with '!'";
    }
    if (problem.startsWith("found unknown escape character")
        || problem.startsWith("expected escape sequence")) {
      return "found an invalid escape sequence in a double-quoted value";
    }
    return problem;
  }

  private static String scalarKey(Node node, List<String> errors) {
    if (node instanceof ScalarNode scalar) {
      return scalar.getValue();
    }
    errors.add("line " + line(node) + ": keys must be plain names");
    return null;
  }

  private static int line(Node node) {
    return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
  }
}
