package io.snapdelta.ingest;

import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeOp;
import io.snapdelta.model.Row;
import io.snapdelta.model.TableId;
import io.snapdelta.model.Version;
import java.util.Map;

/**
 * What one Debezium record says, as its reader collects it, and the assembly of that into a
 * {@link ChangeEvent} with the record-level checks (op, source, key, images, version, timestamp).
 * Both Debezium readers fill it: the byte-level {@link DebeziumJsonScanner} and the Jackson-based
 * {@link DebeziumJsonParser}, so an event does not depend on which of them read the bytes.
 */
abstract class DebeziumRecordState {
    enum Connector { POSTGRESQL, MYSQL, OTHER }

    /** Shared by the readers of one parser, so that both type schemaless nulls from the same history. */
    final Map<TableId, TableState> tables;
    /** The tables of the last records, most recently added first (see tableState). */
    private final TableState[] recentTables = new TableState[8];
    private long lastMajor;
    private long lastMinor;
    private boolean lastSeen;
    private Version sharedVersion;

    final RowBuffer keyBuf = new RowBuffer();
    final RowBuffer beforeBuf = new RowBuffer();
    final RowBuffer afterBuf = new RowBuffer();
    final long[] sequence = new long[2];
    /** Where the envelope is, for error paths: {@link #VALUE_PATH} unless the value is wrapped. */
    String valuePath;
    boolean valueSeen;
    boolean valueNull;
    char op;
    boolean sourceSeen;
    // The source's texts: read through the accessors, which give null (OTHER) for those not set in this
    // record. The fields keep the last record's values, so a text that repeats is not stored again: a
    // reference store into this long-lived object costs a G1 barrier fence (see RowBuffer).
    private static final int SET_CONNECTOR = 1;
    private static final int SET_DB = 2;
    private static final int SET_SCHEMA = 4;
    private static final int SET_TABLE = 8;
    private static final int SET_FILE = 16;
    private int textsSet;
    private Connector connector;
    private String db;
    private String schema;
    private String table;
    private String binlogFile;
    boolean sequenceSeen;
    boolean lsnSeen;
    long lsn;
    long tsUs;
    boolean tsUsSeen;
    long tsMs;
    boolean tsMsSeen;
    long binlogPos = -1;
    long binlogRow;

    DebeziumRecordState(Map<TableId, TableState> tables) {
        this.tables = tables;
    }

    void resetRecord() {
        keyBuf.reset();
        beforeBuf.reset();
        afterBuf.reset();
        setValuePath(VALUE_PATH);
        valueSeen = false;
        valueNull = false;
        op = 0;
        sourceSeen = false;
        forgetSource();
    }

    /**
     * Undoes what the record's first source block set so far (the scanner read part of it one way and
     * reads it again another): back to the state {@link #resetRecord} left, except that a block was seen.
     */
    final void forgetSource() {
        textsSet = 0;
        sequenceSeen = false;
        lsnSeen = false;
        tsUsSeen = false;
        tsMsSeen = false;
        binlogPos = -1;
        binlogRow = 0;
    }

    static final String VALUE_PATH = "/value";

    final void setValuePath(String path) {
        if (valuePath != path) {
            valuePath = path;
        }
    }

    final Connector connector() {
        return (textsSet & SET_CONNECTOR) != 0 ? connector : Connector.OTHER;
    }

    final String db() {
        return (textsSet & SET_DB) != 0 ? db : null;
    }

    final String schema() {
        return (textsSet & SET_SCHEMA) != 0 ? schema : null;
    }

    final String table() {
        return (textsSet & SET_TABLE) != 0 ? table : null;
    }

    final String binlogFile() {
        return (textsSet & SET_FILE) != 0 ? binlogFile : null;
    }

    final void setConnector(Connector c) {
        if (connector != c) {
            connector = c;
        }
        textsSet |= SET_CONNECTOR;
    }

    final void setDb(String s) {
        if (db != s) {
            db = s;
        }
        textsSet |= SET_DB;
    }

    final void setSchema(String s) {
        if (schema != s) {
            schema = s;
        }
        textsSet |= SET_SCHEMA;
    }

    final void setTable(String s) {
        if (table != s) {
            table = s;
        }
        textsSet |= SET_TABLE;
    }

    final void setBinlogFile(String s) {
        if (binlogFile != s) {
            binlogFile = s;
        }
        textsSet |= SET_FILE;
    }

    static Connector connectorOf(String name) {
        if (name == null) {
            return Connector.OTHER;
        }
        return switch (name) {
            case "postgresql" -> Connector.POSTGRESQL;
            case "mysql", "mariadb" -> Connector.MYSQL;
            default -> Connector.OTHER;
        };
    }

    // ---------------------------------------------------------------- assembling the event

    ChangeEvent finish() throws ParseException {
        if (valueNull) {
            if (keyBuf.hasRow()) {
                return null; // tombstone
            }
            throw new ParseException(ParseErrorKind.MISSING_FIELD, "/key", "a null value (tombstone) without a key");
        }
        String vp = valuePath;
        if (op == 0) {
            throw new ParseException(ParseErrorKind.MISSING_FIELD, vp + "/op", "the envelope has no op");
        }
        ChangeOp changeOp = switch (op) {
            case 'r' -> ChangeOp.SNAPSHOT_READ;
            case 'c' -> ChangeOp.INSERT;
            case 'u' -> ChangeOp.UPDATE;
            case 'd' -> ChangeOp.DELETE;
            case 't' -> throw new ParseException(ParseErrorKind.UNSUPPORTED, vp + "/op",
                    "truncate (op 't') of " + tableName() + " is not applied: a truncate removes rows by no key; "
                            + "replay it by re-snapshotting the table");
            case 'm' -> throw new ParseException(ParseErrorKind.UNSUPPORTED, vp + "/op",
                    "logical decoding message (op 'm') carries no row change");
            default -> throw new ParseException(ParseErrorKind.INVALID_VALUE, vp + "/op",
                    "unknown op '" + op + "' (expected r, c, u or d)");
        };
        if (!sourceSeen) {
            throw new ParseException(ParseErrorKind.MISSING_FIELD, vp + "/source", "the envelope has no source block");
        }
        String table = table();
        if (table == null) {
            throw new ParseException(ParseErrorKind.MISSING_FIELD, vp + "/source/table", "source has no table name");
        }
        if (table.isEmpty()) {
            throw new ParseException(ParseErrorKind.INVALID_VALUE, vp + "/source/table", "source table name is empty");
        }
        if (!keyBuf.hasRow()) {
            throw new ParseException(ParseErrorKind.MISSING_FIELD, "/key", "the record has no key (tables without a primary key "
                    + "need message.key.columns in the connector)");
        }
        if (changeOp.hasAfter() && !afterBuf.hasRow()) {
            throw new ParseException(ParseErrorKind.MISSING_FIELD, vp + "/after",
                    "op '" + op + "' needs the row after the change, but after is " + (afterBuf.present ? "null" : "absent"));
        }
        if (!changeOp.hasAfter() && afterBuf.hasRow()) {
            throw new ParseException(ParseErrorKind.INVALID_VALUE, vp + "/after", "a delete must have after = null");
        }
        Version version = version(vp);
        long ts = timestamp(vp);
        TableState state = tableState(table);
        try {
            Row key = state.build(keyBuf, afterBuf.hasRow() ? afterBuf : beforeBuf);
            Row after = afterBuf.hasRow() ? state.build(afterBuf, beforeBuf) : null;
            Row before = beforeBuf.hasRow() ? state.build(beforeBuf, afterBuf) : null;
            return new ChangeEvent(state.id, key, changeOp, version, before, after, ts);
        } catch (IllegalArgumentException e) { // duplicate column names in one image
            throw new ParseException(ParseErrorKind.INVALID_VALUE, vp, e.getMessage());
        }
    }

    private Version version(String vp) throws ParseException {
        if (connector() == Connector.MYSQL) {
            String binlogFile = binlogFile();
            if (binlogFile == null) {
                throw new ParseException(ParseErrorKind.MISSING_FIELD, vp + "/source/file", "a MySQL event needs source.file (binlog file)");
            }
            long index = DebeziumVersions.binlogFileIndex(binlogFile);
            if (index < 0) {
                throw new ParseException(ParseErrorKind.INVALID_VALUE, vp + "/source/file",
                        "binlog file name " + DebeziumJsonParser.abbreviate(binlogFile) + " does not end in .<number>");
            }
            if (binlogPos < 0) {
                throw new ParseException(ParseErrorKind.MISSING_FIELD, vp + "/source/pos", "a MySQL event needs source.pos");
            }
            if (binlogPos > DebeziumVersions.MAX_MYSQL_POS) {
                throw new ParseException(ParseErrorKind.INVALID_VALUE, vp + "/source/pos", "binlog position " + binlogPos + " exceeds 2^47-1");
            }
            if (binlogRow > DebeziumVersions.MAX_MYSQL_ROW) {
                throw new ParseException(ParseErrorKind.INVALID_VALUE, vp + "/source/row", "row " + binlogRow + " exceeds 65535");
            }
            return version(index, (binlogPos << 16) | binlogRow);
        }
        if (sequenceSeen) {
            return version(sequence[0], sequence[1]);
        }
        if (lsnSeen) {
            return version(0, lsn);
        }
        throw new ParseException(ParseErrorKind.MISSING_FIELD, vp + "/source/lsn",
                "no version: the source has neither sequence nor lsn (nor MySQL file/pos)");
    }

    /**
     * A version object shared by the records of a run with the same version (a snapshot's rows all have
     * one), else a new one. The last version is kept as two longs and the object only from the second
     * record of a run on: storing every record's new object into this long-lived state would pay G1's
     * post-write barrier fence on every change record, whose versions all differ.
     */
    private Version version(long major, long minor) {
        if (major != lastMajor || minor != lastMinor || !lastSeen) {
            lastMajor = major;
            lastMinor = minor;
            lastSeen = true;
            return new Version(major, minor);
        }
        Version shared = sharedVersion;
        if (shared != null && shared.major() == major && shared.minor() == minor) {
            return shared;
        }
        shared = new Version(major, minor);
        sharedVersion = shared;
        return shared;
    }

    private long timestamp(String vp) throws ParseException {
        if (tsUsSeen) {
            return tsUs;
        }
        if (tsMsSeen) {
            if (tsMs > Long.MAX_VALUE / 1000) {
                throw new ParseException(ParseErrorKind.INVALID_VALUE, vp + "/source/ts_ms", "ts_ms " + tsMs + " overflows microseconds");
            }
            return tsMs * 1000;
        }
        throw new ParseException(ParseErrorKind.MISSING_FIELD, vp + "/source/ts_ms", "source has neither ts_us nor ts_ms");
    }

    private TableState tableState(String table) {
        String schema = schema();
        String db = db();
        String ns = schema != null ? schema : db != null ? db : "";
        // The readers give canonical strings (scanner caches, TextCache): recent tables are found by
        // reference, without a TableId or a hash. A transaction touches a few tables in turn.
        TableState[] recent = recentTables;
        for (int i = 0; i < recent.length; i++) {
            TableState r = recent[i];
            if (r == null) {
                break;
            }
            if (r.id.name() == table && r.id.namespace() == ns) {
                return r;
            }
        }
        TableId id = new TableId(ns, table);
        TableState state = tables.computeIfAbsent(id, TableState::new);
        System.arraycopy(recent, 0, recent, 1, recent.length - 1);
        recent[0] = state;
        return state;
    }

    private String tableName() {
        String schema = schema();
        String db = db();
        return (schema != null ? schema : db != null ? db : "") + "." + table();
    }

}
