package dev.cdcsync.connectors.binlog;

import dev.cdcsync.api.TableId;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tables of gh-ost and pt-online-schema-change, which change a table {@code t} by building an
 * altered copy and swapping it in by a rename. gh-ost copies into {@code _t_gho}, logs its progress
 * in {@code _t_ghc} and renames {@code t} to {@code _t_del}; pt-osc copies into {@code _t_new} and
 * renames {@code t} to {@code _t_old}. The swap ends with {@code _t_gho} or {@code _t_new} renamed
 * to {@code t}: the cut-over.
 *
 * <p>With source option {@code scan.parse.online.schema.changes.enabled}, these tables are not
 * captured, and a cut-over is one schema change of {@code t}: its changes go on from the same rows
 * under the copy's definition, whose column renames (the copy's {@code ALTER TABLE}) carry over
 * (see {@code DebeziumSource}, which moves pending renames with a table rename).
 */
public final class OnlineSchemaChanges {

  /** Names of the tools' tables ({@code database.table}), for Debezium's table filters. */
  static final String TOOL_TABLES = "[^.]+\\._.+_(?:gho|ghc|del|new|old)";

  /** The copy a tool alters, then renames to the table it changes. */
  private static final Pattern COPY = Pattern.compile("_(.+)_(?:gho|new)");

  private OnlineSchemaChanges() {}

  /** The table that {@code copy} is a gh-ost or pt-osc copy of ({@code _orders_gho}: orders). */
  public static Optional<TableId> copied(TableId copy) {
    Matcher matcher = COPY.matcher(copy.tableName());
    return matcher.matches()
        ? Optional.of(new TableId(copy.namespace(), copy.schemaName(), matcher.group(1)))
        : Optional.empty();
  }

  /** Whether a rename swaps a tool's altered copy in for the table it copied. */
  static boolean isCutOver(TableRenames.Rename rename) {
    return copied(rename.from()).filter(rename.to()::equals).isPresent();
  }
}
