package io.snapdelta.ingest;

import io.snapdelta.model.FieldType;
import io.snapdelta.model.StringCache;
import io.snapdelta.model.TableId;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The fast path of {@link DebeziumJsonParser}: reads the common schemaless Debezium shapes straight from
 * the UTF-8 bytes, without a tokenizer in between.
 * <ul>
 *   <li>field names are compared as bytes against the names the product uses; nothing else is decoded;</li>
 *   <li>fields the product never needs ({@code source.version}, {@code transaction}, {@code ts_ns}, ...)
 *       are stepped over by a loop that still checks them fully: string escapes, control characters,
 *       UTF-8, number and literal syntax, bracket balance and the nesting-depth limit;</li>
 *   <li>integers go from digits to {@code long} directly; strings are decoded only for kept fields, with
 *       an allocation-free cache for repeated ASCII texts (names, padded filler values).</li>
 * </ul>
 * Shapes: Debezium's topic layout (key bytes = a plain key struct, value bytes = the envelope) and the
 * capture line form {@code {"key":K,"value":V}}, both without {@code schema}/{@code payload} wrapping.
 *
 * <p>The scanner never rejects a record. Whenever it meets something it does not handle or that might be
 * wrong (wrapping, an escaped field name, an integer beyond 64 bits, a lone surrogate, a string over the
 * limit, a syntax error, ...), {@link #read} returns false and the Jackson reader reads the record again;
 * its event or error is authoritative. So the scanner must only accept what Jackson accepts, and produce
 * what Jackson's reader produces; it is strictly narrower (e.g. it rejects overlong UTF-8, which Jackson
 * lets through). The differential tests hold both readers to that over the capture, the malformed corpus
 * and random records.
 */
final class DebeziumJsonScanner extends DebeziumRecordState {
    /** Unwinds the scanner when a record is left to the Jackson reader: preallocated, no stack trace. */
    private static final class Handover extends RuntimeException {
        Handover() {
            super("record left to the Jackson reader", null, false, false);
        }
    }

    private static final Handover HANDOVER = new Handover();
    private static final FieldType[] FIELD_TYPES = FieldType.values();
    /** Reads eight bytes of a byte[] as one little-endian long (no alignment needed). */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Reads four bytes of a byte[] as one little-endian int (no alignment needed). */
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** 10^d for d = 0..8. */
    private static final long[] POW10 = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L};

    private static final byte[] KEY = ascii("key");
    private static final byte[] VALUE = ascii("value");
    private static final byte[] SCHEMA = ascii("schema");
    private static final byte[] PAYLOAD = ascii("payload");
    private static final byte[] BEFORE = ascii("before");
    private static final byte[] AFTER = ascii("after");
    private static final byte[] SOURCE = ascii("source");
    private static final byte[] OP = ascii("op");
    private static final byte[] TABLE = ascii("table");
    private static final byte[] DB = ascii("db");
    private static final byte[] CONNECTOR = ascii("connector");
    private static final byte[] SEQUENCE = ascii("sequence");
    private static final byte[] LSN = ascii("lsn");
    private static final byte[] TS_US = ascii("ts_us");
    private static final byte[] TS_MS = ascii("ts_ms");
    private static final byte[] FILE = ascii("file");
    private static final byte[] POS = ascii("pos");
    private static final byte[] ROW = ascii("row");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] NULL = ascii("null");

    private static final int ID_OTHER = 0;
    private static final int ID_KEY = 1;
    private static final int ID_VALUE = 2;
    private static final int ID_SCHEMA = 3;
    private static final int ID_PAYLOAD = 4;
    private static final int ID_BEFORE = 5;
    private static final int ID_AFTER = 6;
    private static final int ID_SOURCE = 7;
    private static final int ID_OP = 8;
    private static final int ID_TABLE = 9;
    private static final int ID_DB = 10;
    private static final int ID_CONNECTOR = 11;
    private static final int ID_SEQUENCE = 12;
    private static final int ID_LSN = 13;
    private static final int ID_TS_US = 14;
    private static final int ID_TS_MS = 15;
    private static final int ID_FILE = 16;
    private static final int ID_POS = 17;
    private static final int ID_ROW = 18;
    /** Longest string value (with quotes) remembered per member. */
    private static final int MAX_REMEMBERED_VALUE = 130;

    /** Longest number text stepped over; Jackson's own limit is far above, longer ones go to Jackson. */
    private static final int MAX_NUMBER_LENGTH = 100;

    private final int maxStringBytes;
    private final int maxFields;
    /** Containers at this depth or deeper are left to Jackson (its limit is one deeper: conservative). */
    private final int maxDepth;
    /** Names, table/schema/db/connector/file texts. */
    private final StringCache names = new StringCache(512, 128, StandardCharsets.ISO_8859_1);
    /** Short string column values. */
    private final StringCache values = StringCache.forValues(StandardCharsets.ISO_8859_1);
    private char[] chars = new char[64];

    // The input being scanned: b[0, end).
    private byte[] b;
    private int end;
    // The last string scanned: body bytes [strStart, strEnd) between the quotes, and what is in it.
    private int strStart;
    private int strEnd;
    private boolean strEscaped;
    private boolean strNonAscii;
    // The last number scanned.
    private int numStart;
    private int numEnd;
    private boolean numIsInt;
    private int numIntDigits;
    private long numMagnitude;
    // Set by nextMember: the object's closing brace was reached.
    private boolean closed;
    // Outputs of memberName, stringMember and nonNegativeLong. Texts are handed over as the index of the
    // shape slot that holds them (-1: in otherMemberText / otherMemoText) rather than in String fields:
    // a reference store into this long-lived object would cost a G1 barrier fence per member.
    private int memberId;
    /**
     * Whether member values are compared with (and remembered as) the last value of their shape slot. Not
     * inside objects read with member runs when the runs cover the member: the replay stopped there
     * because the member's bytes are not the last object's, so the compare could only fail.
     */
    private boolean valueMemo = true;
    /** Records read; every {@link #MEMO_RETRY_MASK} + 1st one retries the memo of members that keep changing. */
    private int recordCount;
    private static final int MEMO_RETRY_MASK = 15;
    /** Misses in a row after which a member's value is taken to change every record (timestamps, positions). */
    private static final int MEMO_GIVE_UP = 2;
    private int memberSlot;
    private String otherMemberText;
    private int memoSlot;
    private String otherMemoText;
    private boolean memoHit;
    private boolean memoStored;
    private long numValue;
    // What the last records looked like (see Shape).
    private final Shape rootShape = new Shape();
    private final Shape[] keyShapes = shapes(8);
    /** For records without a key (or whose value comes before it): one set of shapes for all of them. */
    private final RecordShapes keylessShapes = new RecordShapes();
    /** This record's shapes: those of its key's shape (see RecordShapes). */
    private RecordShapes shapes;

    DebeziumJsonScanner(ParserLimits limits, Map<TableId, TableState> tables) {
        super(tables);
        this.maxStringBytes = limits.maxStringLength();
        this.maxFields = limits.maxFields();
        this.maxDepth = limits.maxNestingDepth();
    }

    /**
     * Reads one record into this state.
     *
     * @return true when the record was read completely (then {@link #finish()} assembles it); false when
     *     it is left to the Jackson reader
     */
    boolean read(byte[] key, byte[] value) {
        if (value == null || value.length == 0) {
            return false; // tombstones and empty values: rare, and Jackson's reader decides which they are
        }
        resetRecord();
        recordCount++;
        useShapes(keylessShapes);
        try {
            boolean kafkaKey = key != null && key.length > 0;
            if (kafkaKey) {
                input(key);
                int i = readKey(ws(0));
                if (ws(i) != end) {
                    throw HANDOVER;
                }
            }
            input(value);
            touch();
            int i = ws(0);
            if (at(i) != '{') {
                throw HANDOVER;
            }
            i = ws(i + 1);
            if (at(i) != '"') {
                throw HANDOVER; // an empty object, or not a field name
            }
            memberName(i, rootShape, 0, false); // the first name decides the layout; read again below (a memo hit)
            int first = memberId;
            if (first == ID_KEY || first == ID_VALUE) {
                if (kafkaKey) {
                    throw HANDOVER; // a line form beside key bytes: legal but odd
                }
                i = readLine(i);
            } else if (first == ID_SCHEMA || first == ID_PAYLOAD) {
                throw HANDOVER; // JsonConverter wrapping: typed by the Connect schema, Jackson's reader does that
            } else {
                valueSeen = true;
                setValuePath(VALUE_PATH);
                i = readEnvelope(i, 1, shapes.envelope);
            }
            if (ws(i) != end) {
                throw HANDOVER;
            }
            return true;
        } catch (Handover h) {
            return false;
        } finally {
            b = null; // do not keep the record's bytes alive
        }
    }

    /** Sum of one byte per cache line of the last input (see touch); kept so the loads are not dropped. */
    private int touched;

    /**
     * Loads one byte of every cache line of the input before reading it: the loads are independent, so
     * the processor fetches the lines from memory in parallel, where the reader, whose every step depends
     * on the bytes before, would wait for them one after the other.
     */
    private void touch() {
        byte[] buf = b;
        int sum = 0;
        for (int p = 0; p < end; p += 64) {
            sum += buf[p];
        }
        touched = sum + buf[end - 1];
    }

    private void input(byte[] bytes) {
        b = bytes;
        end = bytes.length;
    }

    // ---------------------------------------------------------------- layouts

    /** {"key":K,"value":V,...}; {@code i} is at the first name's quote. */
    private int readLine(int i) {
        Shape s = rootShape;
        for (int k = 0; ; k++) {
            i = colon(memberName(i, s, k, false));
            valueMemo = true;
            switch (memberId) {
                case ID_KEY -> i = readKey(i);
                case ID_VALUE -> i = readLineValue(i);
                default -> i = skipMember(i, s, k, 1);
            }
            i = nextMember(i);
            if (closed) {
                break;
            }
        }
        if (!valueSeen) {
            throw HANDOVER;
        }
        return i;
    }

    private int readLineValue(int i) {
        valueSeen = true;
        byte c = at(i);
        if (c == 'n') {
            valueNull = true;
            return literal(i, NULL);
        }
        if (c != '{') {
            throw HANDOVER;
        }
        i = ws(i + 1);
        if (at(i) != '"') {
            throw HANDOVER;
        }
        Shape envelope = shapes.envelope;
        memberName(i, envelope, 0, false);
        if (memberId == ID_SCHEMA || memberId == ID_PAYLOAD) {
            throw HANDOVER;
        }
        setValuePath(VALUE_PATH);
        return readEnvelope(i, 2, envelope);
    }

    /** A plain key struct or null, at {@code i}. */
    private int readKey(int i) {
        byte c = at(i);
        if (c == 'n') {
            return literal(i, NULL);
        }
        if (c != '{') {
            throw HANDOVER;
        }
        keyBuf.present = true;
        i = ws(i + 1);
        if (at(i) != '"') {
            throw HANDOVER; // no fields (an error), or not a name
        }
        Shape s = pick(keyShapes, i);
        RecordShapes r = s.record;
        if (r == null) {
            r = new RecordShapes();
            s.record = r;
        }
        useShapes(r);
        memberName(i, s, 0, true);
        String first = memberText(s);
        if ("schema".equals(first) || "payload".equals(first)) {
            throw HANDOVER; // JsonConverter wrapping, or a column of that name: Jackson's reader tells them apart
        }
        return readColumns(i, keyBuf, s);
    }

    /** The envelope's fields; {@code i} is at the first name's quote, {@code depth} is the envelope's. */
    private int readEnvelope(int i, int depth, Shape s) {
        for (int k = 0; ; k++) {
            i = colon(memberName(i, s, k, false));
            valueMemo = true;
            switch (memberId) {
                case ID_AFTER -> i = readImage(i, afterBuf);
                case ID_BEFORE -> i = readImage(i, beforeBuf);
                case ID_SOURCE -> i = readSource(i, depth + 1);
                case ID_OP -> i = readOp(i);
                default -> i = skipMember(i, s, k, depth); // transaction, ts_ms, ts_us, ts_ns, unknown additions
            }
            i = nextMember(i);
            if (closed) {
                return i;
            }
        }
    }

    private int readImage(int i, RowBuffer buf) {
        if (buf.present) {
            throw HANDOVER; // the image given twice: Jackson's reader merges the copies and reports a field given twice
        }
        buf.present = true;
        byte c = at(i);
        if (c == 'n') {
            buf.isNull = true;
            return literal(i, NULL);
        }
        if (c != '{') {
            throw HANDOVER;
        }
        i = ws(i + 1);
        c = at(i);
        if (c == '}') {
            return i + 1;
        }
        if (c != '"') {
            throw HANDOVER;
        }
        return readColumns(i, buf, pick(shapes.images, i));
    }

    /** Columns up to the closing brace; {@code i} is at the first column name's quote. */
    private int readColumns(int i, RowBuffer buf, Shape s) {
        MemberRuns r = s.runs;
        int objStart = i;
        int prev = r.begin();
        boolean retry = retryReplay();
        buf.expect(prev);
        boolean parsed = false;
        boolean sameSkeleton = true; // the names and JSON types are the last object's (see SchemaMemo)
        int k = 0;
        while (true) {
            if (k < prev && r.scalar[k] && (retry || r.sameLastTime(k))) {
                int j = replay(i, objStart, r, k, prev, buf);
                if (j > k) {
                    i = runEnd;
                    k = j;
                    if (j == prev) {
                        break; // the rest of the object, closing brace included, is the last one's
                    }
                }
            }
            parsed = true;
            if (k < prev) {
                r.differs(k);
            }
            int at = i;
            i = colon(memberName(i, s, k, true));
            if (buf.size >= maxFields) {
                throw HANDOVER;
            }
            valueMemo = k >= prev;
            i = readColumnValue(i, buf, memberText(s), s, k);
            if (k < MemberRuns.MAX_MEMBERS) { // every column value is a scalar
                int last = buf.size - 1;
                r.start[k] = at - objStart;
                r.scalar[k] = true;
                int kind = buf.types[last].ordinal();
                if (r.kind[k] != kind || k >= prev) {
                    r.kind[k] = kind;
                    sameSkeleton = false;
                }
                String name = buf.names[last];
                if (r.name[k] != name) {
                    r.name[k] = name;
                    sameSkeleton = false;
                }
                r.index[k] = last;
            } else {
                sameSkeleton = false;
            }
            i = nextMember(i);
            k++;
            if (closed) {
                break;
            }
        }
        if (parsed) { // replayed members now read from this record's values (same indexes, see replay)
            r.values = buf.values;
        }
        r.end(b, objStart, i, k, !parsed);
        SchemaMemo memo = s.schemaMemo;
        if (!sameSkeleton || k != prev) {
            memo.skeleton++;
        }
        if (buf.memo != memo) {
            buf.memo = memo;
        }
        buf.memoSkeleton = memo.skeleton;
        return i;
    }

    /**
     * Whether this record tries to replay every remembered member, also those whose bytes differed in the
     * last object of their kind (positions, timestamps, changed columns), which are otherwise parsed
     * straight away: one record in 16, so a member that stops changing is replayed again.
     */
    private boolean retryReplay() {
        return (recordCount & MEMO_RETRY_MASK) == 0;
    }

    /** Output of {@link #replay}: where the input continues after the replayed members. */
    private int runEnd;

    /**
     * Replays the members from {@code k} on (member {@code k}'s quote at {@code i}) whose spans are byte
     * for byte those of the last object read with {@code r}, up to the first that differs or is not a
     * scalar; returns the index of that member ({@code prev}: all of them, the closing brace included),
     * and leaves where it begins in {@link #runEnd}. Columns go to {@code buf}, else source fields are set.
     */
    private int replay(int i, int objStart, MemberRuns r, int k, int prev, RowBuffer buf) {
        int[] start = r.start;
        int from = start[k];
        int same = r.sameBytes(b, i, end, from);
        int shift = i - objStart - from;
        int j = k;
        while (j < prev && r.scalar[j] && start[j + 1] - from <= same) {
            if (buf != null) {
                if (buf.size >= maxFields) {
                    throw HANDOVER;
                }
                buf.add(r.name[j], FIELD_TYPES[r.kind[j]], r.values[r.index[j]]);
                r.index[j] = buf.size - 1;
            } else {
                applySourceMember(r, j);
            }
            start[j] += shift;
            j++;
        }
        runEnd = i + (start[j] - from);
        return j;
    }

    /** What a remembered source member set, set again. */
    private void applySourceMember(MemberRuns r, int j) {
        applyEffect(r.kind[j], r.object[j], r.first[j], r.second[j], r.flag[j]);
    }

    /** Sets what a source member with this effect (see MemberRuns) sets. */
    private void applyEffect(int kind, Object object, long first, long second, boolean flag) {
        switch (kind) {
            case ID_TABLE -> setTable((String) object);
            case ID_SCHEMA -> setSchema((String) object);
            case ID_DB -> setDb((String) object);
            case ID_CONNECTOR -> setConnector((Connector) object);
            case ID_FILE -> setBinlogFile((String) object);
            case ID_SEQUENCE -> {
                sequence[0] = first;
                sequence[1] = second;
                sequenceSeen = flag;
            }
            case ID_LSN -> {
                lsn = first;
                lsnSeen = true;
            }
            case ID_TS_US -> {
                tsUs = first;
                tsUsSeen = true;
            }
            case ID_TS_MS -> {
                tsMs = first;
                tsMsSeen = true;
            }
            case ID_POS -> binlogPos = first;
            case ID_ROW -> binlogRow = first;
            default -> { } // a member the product does not need, or a null that sets nothing
        }
    }

    /** Schemaless JSON: the JSON value decides the type, as in the Jackson reader. */
    private int readColumnValue(int i, RowBuffer buf, String name, Shape s, int k) {
        byte c = at(i);
        switch (c) {
            case '"' -> {
                i = stringMember(i, s, k, values);
                buf.add(name, FieldType.STRING, memo(s));
            }
            case 'n' -> {
                i = literal(i, NULL);
                buf.add(name, FieldType.NULL, null);
            }
            case 't' -> {
                i = literal(i, TRUE);
                buf.add(name, FieldType.BOOLEAN, Boolean.TRUE);
            }
            case 'f' -> {
                i = literal(i, FALSE);
                buf.add(name, FieldType.BOOLEAN, Boolean.FALSE);
            }
            default -> {
                i = number(i);
                if (numIsInt) {
                    buf.add(name, FieldType.INT64, box(longValue()));
                } else {
                    buf.add(name, FieldType.FLOAT64, Double.valueOf(finiteDouble()));
                }
            }
        }
        return i;
    }

    /**
     * A boxed integer column value. Not shared through a cache of recent values (a key column repeats in
     * the images): storing each new box into a long-lived array costs a G1 post-write barrier per value,
     * which on wide rows of distinct integers cost more than the boxes a cache saves (see NOTES, issue 2).
     * Unchanged columns are still shared by the member replay.
     */
    private static Long box(long v) {
        return Long.valueOf(v);
    }

    /**
     * The source block at {@code i}; {@code depth} is its own nesting depth. Members whose bytes are those
     * of the last block (most of them: connector, db, schema, version, ...) are replayed, not parsed.
     */
    private int readSource(int i, int depth) {
        if (at(i) != '{') {
            throw HANDOVER;
        }
        return readSourceMembers(i, depth);
    }

    private int readSourceMembers(int i, int depth) {
        boolean firstBlock = !sourceSeen; // a second source block adds to the first (as in the Jackson reader)
        sourceSeen = true;
        i = ws(i + 1);
        byte c = at(i);
        if (c == '}') {
            return i + 1;
        }
        if (c != '"') {
            throw HANDOVER;
        }
        Shape s = shapes.source;
        MemberSkeleton t = s.skeleton;
        // Every 16th record reads member-wise (trying to replay every member), which rebuilds the skeleton
        // with only the members that changed as holes: a hole whose value has settled stops being parsed.
        if (firstBlock && t.holes >= 0 && !retryReplay()) {
            int j = readBySkeleton(i, s, t, depth);
            if (j >= 0) {
                return j;
            }
            forgetSource(); // back to the record's state before the block: the member-wise read below sets it
        }
        MemberRuns r = s.runs;
        int objStart = i;
        int prev = r.begin();
        boolean retry = retryReplay();
        boolean parsed = false;
        long parsedMembers = 0; // bit k: member k < 64 was parsed, not replayed (a hole of the next skeleton)
        int[] valueStart = s.valueStart;
        int[] valueEnd = s.valueEnd;
        int[] valueId = s.valueId;
        int k = 0;
        while (true) {
            if (k < prev && r.scalar[k] && (retry || r.sameLastTime(k))) {
                int j = replay(i, objStart, r, k, prev, null);
                if (j > k) {
                    i = runEnd;
                    k = j;
                    if (j == prev) {
                        break; // the rest of the block, closing brace included, is the last one's
                    }
                }
            }
            parsed = true;
            if (k < prev) {
                r.differs(k);
            }
            int at = i;
            i = colon(memberName(i, s, k, false));
            valueMemo = k >= prev;
            c = at(i);
            int from = i;
            i = sourceValue(i, s, k, depth, memberId);
            if (k < MemberRuns.MAX_MEMBERS) {
                int effect = this.effect;
                r.start[k] = at - objStart;
                r.scalar[k] = c != '{' && c != '[';
                r.kind[k] = effect;
                Object text = effectText(s, effect);
                if (r.object[k] != text) {
                    r.object[k] = text;
                }
                r.first[k] = effect == ID_SEQUENCE ? sequence[0] : effectFirst;
                r.second[k] = sequence[1];
                r.flag[k] = sequenceSeen;
                parsedMembers |= 1L << k;
                valueStart[k] = from - objStart;
                valueEnd[k] = i - objStart;
                valueId[k] = memberId;
            }
            i = nextMember(i);
            k++;
            if (closed) {
                break;
            }
        }
        r.end(b, objStart, i, k, !parsed);
        if (firstBlock && k == prev && r.count == k) {
            buildSkeleton(t, s, r, objStart, i, parsedMembers);
        } else if (t.holes >= 0) {
            t.holes = -1; // the block changed shape: a new skeleton once two blocks in a row have the same members
        }
        return i;
    }

    /** Output of {@link #sourceValue}: what the member set (scanner id; ID_OTHER: nothing), and its number. */
    private int effect;
    private long effectFirst;

    /**
     * The value at {@code i} of the source member {@code k} whose name is {@code id}: sets what it holds in
     * this record, and what it set in {@link #effect} and {@link #effectFirst} (texts: see effectText).
     */
    private int sourceValue(int i, Shape s, int k, int depth, int id) {
        byte c = at(i);
        int effect = ID_OTHER; // a null sets nothing, except pos/row
        long first = 0;
        switch (id) {
            case ID_TABLE, ID_SCHEMA, ID_DB, ID_FILE -> {
                i = sourceText(i, s, k);
                effect = id;
                applyEffect(id, memo(s), 0, 0, false); // sets the table / schema / db / binlog file
            }
            case ID_CONNECTOR -> {
                i = sourceText(i, s, k);
                setConnector(connectorOf(memo(s)));
                effect = ID_CONNECTOR;
            }
            case ID_SEQUENCE -> {
                i = readSequence(i, s, k);
                if (c != 'n') {
                    effect = ID_SEQUENCE;
                }
            }
            case ID_LSN, ID_TS_US, ID_TS_MS -> {
                if (c == 'n') {
                    i = literal(i, NULL);
                } else {
                    i = numberMember(i, s, k, true);
                    effect = id;
                    first = numValue;
                    applyEffect(id, null, first, 0, false); // sets lsn / tsUs / tsMs and its "seen" flag
                }
            }
            case ID_POS -> {
                if (c == 'n') {
                    i = literal(i, NULL);
                    binlogPos = -1;
                } else {
                    i = nonNegativeLong(i);
                    binlogPos = numValue;
                }
                effect = ID_POS;
                first = binlogPos;
            }
            case ID_ROW -> {
                if (c == 'n') {
                    i = literal(i, NULL);
                    binlogRow = 0;
                } else {
                    i = nonNegativeLong(i);
                    binlogRow = numValue;
                }
                effect = ID_ROW;
                first = binlogRow;
            }
            default -> i = skipMember(i, s, k, depth); // version, name, snapshot, txId, xmin, origin, ts_ns, ...
        }
        this.effect = effect;
        effectFirst = first;
        return i;
    }

    /** The object a source member with {@code effect} just set (a text or a Connector), or null. */
    private Object effectText(Shape s, int effect) {
        return switch (effect) {
            case ID_TABLE, ID_SCHEMA, ID_DB, ID_FILE -> memo(s);
            case ID_CONNECTOR -> connector();
            default -> null;
        };
    }

    /**
     * The source block at {@code i} (its first member's quote) read with the skeleton {@code t}: the pieces
     * between the holes compared byte for byte, the holes parsed, the other members' effects applied.
     * Returns the index after the closing brace, or -1 when the block does not match (the caller then
     * reads it member by member, after undoing what the holes set).
     */
    private int readBySkeleton(int i, Shape s, MemberSkeleton t, int depth) {
        byte[] tb = t.bytes;
        int holes = t.holes;
        int from = 0;
        valueMemo = true;
        for (int h = 0; h < holes; h++) {
            int to = t.holeStart[h];
            int len = to - from;
            if (!sameRegion(i, tb, from, len)) {
                return -1;
            }
            i += len;
            byte c = at(i);
            if (c == '{' || c == '[') {
                return -1; // a hole holds a scalar (nesting depth is checked by the member-wise read)
            }
            i = sourceValue(i, s, t.holeMember[h], depth, t.holeId[h]);
            from = t.holeEnd[h];
        }
        int len = t.length - from;
        if (!sameRegion(i, tb, from, len)) {
            return -1;
        }
        for (int e = 0; e < t.effects; e++) {
            applyEffect(t.effectKind[e], t.effectObject[e], t.effectFirst[e], t.effectSecond[e], t.effectFlag[e]);
        }
        return i + len;
    }

    /**
     * Makes the source block just read ({@code b[objStart, objEnd)}, {@code r} holding its members) the
     * skeleton of its shape, with the members in {@code parsedMembers} as holes: unless a member holds an
     * object or array, or two members set the same thing (then the order of effects would matter).
     */
    private void buildSkeleton(MemberSkeleton t, Shape s, MemberRuns r, int objStart, int objEnd, long parsedMembers) {
        int n = r.count;
        int seen = 0; // bit per effect kind (scanner ids < 32)
        int holes = 0;
        int effects = 0;
        for (int k = 0; k < n; k++) {
            if (!r.scalar[k]) {
                t.holes = -1;
                return;
            }
            boolean hole = (parsedMembers & (1L << k)) != 0;
            int kind = hole ? s.valueId[k] : r.kind[k];
            if (kind != ID_OTHER) {
                if ((seen & (1 << kind)) != 0) {
                    t.holes = -1;
                    return;
                }
                seen |= 1 << kind;
            }
            if (hole) {
                t.holeStart[holes] = s.valueStart[k];
                t.holeEnd[holes] = s.valueEnd[k];
                t.holeMember[holes] = k;
                t.holeId[holes] = s.valueId[k];
                holes++;
            } else if (kind != ID_OTHER) {
                t.effectKind[effects] = kind;
                if (t.effectObject[effects] != r.object[k]) {
                    t.effectObject[effects] = r.object[k];
                }
                t.effectFirst[effects] = r.first[k];
                t.effectSecond[effects] = r.second[k];
                t.effectFlag[effects] = r.flag[k];
                effects++;
            }
        }
        t.setBytes(b, objStart, objEnd - objStart);
        t.effects = effects;
        t.holes = holes;
    }

    /** A string (canonical) or null, then in {@link #memo}. */
    private int sourceText(int i, Shape s, int k) {
        byte c = at(i);
        if (c == 'n') {
            memoSlot = -1;
            otherMemoText = null;
            return literal(i, NULL);
        }
        if (c != '"') {
            throw HANDOVER;
        }
        return stringMember(i, s, k, names);
    }

    private int readSequence(int i, Shape s, int k) {
        byte c = at(i);
        if (c == 'n') {
            return literal(i, NULL);
        }
        if (c != '"') {
            throw HANDOVER;
        }
        int compact = compactSequence(i);
        if (compact > 0) {
            return compact;
        }
        int next = stringMember(i, s, k, null);
        if (memoHit && s.sequenceSlot == k) { // the same text as last time (it repeats within a transaction)
            sequence[0] = s.sequence0;
            sequence[1] = s.sequence1;
            sequenceSeen = s.sequenceSecond;
            return next;
        }
        s.sequenceSlot = -1;
        int n = decodeToChars(); // the JSON array inside is written with escaped quotes
        try {
            sequenceSeen = DebeziumVersions.parseSequence(chars, 0, n, sequence);
        } catch (IllegalArgumentException e) {
            throw HANDOVER;
        }
        if (memoStored) {
            s.sequence0 = sequence[0];
            s.sequence1 = sequence[1];
            s.sequenceSecond = sequenceSeen;
            s.sequenceSlot = k;
        }
        return next;
    }

    /**
     * A sequence string as Debezium writes it, {@code "[null,\"79471320\"]"} or {@code "[\"1\",\"2\"]"}
     * (no whitespace, no other escape, at most 18 digits per LSN), parsed straight from the bytes into
     * {@link #sequence} with no decoding or memo: returns the index after the closing quote, or -1 when the
     * text is written otherwise (then the general path reads it, and reports it if it is wrong).
     */
    private int compactSequence(int i) {
        byte[] buf = b;
        int n = end;
        int j = i + 1;
        if (j + 12 > n || buf[j] != '[') { // shortest: "[null,null]" and the closing quote
            return -1;
        }
        j = sequenceElement(buf, j + 1, n);
        if (j < 0 || j >= n || buf[j] != ',') {
            return -1;
        }
        long previous = sequenceElementValue;
        boolean previousPresent = sequenceElementPresent;
        j = sequenceElement(buf, j + 1, n);
        if (j < 0 || j + 1 >= n || buf[j] != ']' || buf[j + 1] != '"') {
            return -1;
        }
        sequence[0] = previousPresent ? previous : 0;
        sequence[1] = sequenceElementValue;
        sequenceSeen = sequenceElementPresent;
        return j + 2;
    }

    // Outputs of sequenceElement.
    private long sequenceElementValue;
    private boolean sequenceElementPresent;

    /** {@code null} or {@code \"digits\"} at {@code j}; returns the index after it, or -1 (not so written). */
    private int sequenceElement(byte[] buf, int j, int n) {
        if (j + 4 > n) {
            return -1;
        }
        if (buf[j] == 'n') {
            if (buf[j + 1] != 'u' || buf[j + 2] != 'l' || buf[j + 3] != 'l') {
                return -1;
            }
            sequenceElementValue = 0;
            sequenceElementPresent = false;
            return j + 4;
        }
        if (buf[j] != '\\' || buf[j + 1] != '"') {
            return -1;
        }
        j += 2;
        int start = j;
        j = digitRun(buf, j, n);
        long v = runValue;
        int digits = j - start;
        if (digits == 0 || digits > 18 || j + 2 > n || buf[j] != '\\' || buf[j + 1] != '"') {
            return -1;
        }
        sequenceElementValue = v;
        sequenceElementPresent = true;
        return j + 2;
    }

    private int readOp(int i) {
        byte c = at(i);
        if (c == 'n') {
            return literal(i, NULL); // op stays unset: reported as missing by finish()
        }
        if (c != '"') {
            throw HANDOVER;
        }
        i = scanString(i + 1);
        if (strEnd - strStart != 1 || strEscaped) {
            throw HANDOVER;
        }
        op = (char) b[strStart];
        return i;
    }

    // ---------------------------------------------------------------- shapes: last record's names and texts

    /**
     * The members one kind of object had in the last record, in order: the guess for the next record.
     * Debezium writes every record of a table with the same names in the same order, and many values
     * (version, connector, db, schema, table, snapshot flags, fixed-width filler) repeat, so most names
     * and those values are recognised by comparing bytes with what was read last time, eight at a time.
     * Only bytes that were fully scanned and checked are remembered, so a match proves the same check.
     */
    private static final class Shape {
        static final int MAX_MEMBERS = 64;
        /** A member's name from its opening to its closing quote; null: no guess. */
        final byte[][] name = new byte[MAX_MEMBERS][];
        final int[] nameLength = new int[MAX_MEMBERS];
        final int[] id = new int[MAX_MEMBERS];
        final String[] text = new String[MAX_MEMBERS];
        /** The member's last string value with its quotes (valueLength bytes; 0: none) and its text. */
        final byte[][] value = new byte[MAX_MEMBERS][];
        final int[] valueLength = new int[MAX_MEMBERS];
        final String[] valueText = new String[MAX_MEMBERS];
        /** For a remembered integer that fits 64 bits: its value. */
        final boolean[] valueIsLong = new boolean[MAX_MEMBERS];
        final long[] valueLong = new long[MAX_MEMBERS];
        /** Memo misses in a row per member (saturating): past MEMO_GIVE_UP its value is neither compared nor kept. */
        final byte[] misses = new byte[MAX_MEMBERS];
        /** Text cache misses in a row per member (saturating): past MEMO_GIVE_UP its texts skip the cache. */
        final byte[] cacheMisses = new byte[MAX_MEMBERS];
        /** The parsed source.sequence of the value remembered at sequenceSlot (-1: none). */
        int sequenceSlot = -1;
        long sequence0;
        long sequence1;
        boolean sequenceSecond;
        /** The last object of this kind, for replaying its unchanged members. */
        final MemberRuns runs = new MemberRuns();
        /** Source blocks: the template the next block is read with (see MemberSkeleton). */
        final MemberSkeleton skeleton = new MemberSkeleton();
        /** Source blocks: where each parsed member's value began and ended in the block being read. */
        final int[] valueStart = new int[MemberRuns.MAX_MEMBERS];
        final int[] valueEnd = new int[MemberRuns.MAX_MEMBERS];
        final int[] valueId = new int[MemberRuns.MAX_MEMBERS];
        /** Row images and keys: the row schema last built for an image of this shape. */
        final SchemaMemo schemaMemo = new SchemaMemo();
        /** Key shapes: the shapes of the records with such a key (created on first use). */
        RecordShapes record;
        /** When {@link #pick} last chose this shape. */
        int usedAt;
        /** Objects with another second name than the one before came with this shape (see pick). */
        boolean contested;

        void clear() {
            record = null;
            contested = false;
            java.util.Arrays.fill(name, null);
            java.util.Arrays.fill(valueLength, 0);
            java.util.Arrays.fill(misses, (byte) 0);
            java.util.Arrays.fill(cacheMisses, (byte) 0);
            sequenceSlot = -1;
            runs.count = 0;
            skeleton.holes = -1;
        }
    }

    private void useShapes(RecordShapes r) {
        if (shapes != r) { // records of one kind come in runs: no reference store (G1 barrier) for those
            shapes = r;
        }
    }

    /**
     * The shapes of one kind of record, chosen by the shape of its key: in practice one table's envelope,
     * source block and row images. A transaction's changes alternate between tables, so shapes shared by
     * all records would be compared with another table's last record most of the time (other names,
     * other table name, other values); per key shape, each record is compared with the last one like it.
     * Tables whose keys look alike share these, and their images still get a shape per first column name.
     */
    private static final class RecordShapes {
        final Shape envelope = new Shape();
        final Shape source = new Shape();
        final Shape[] images = shapes(2);
    }

    /** Row images of different tables alternate, so they keep a few shapes, chosen by the first name. */
    private static Shape[] shapes(int n) {
        Shape[] s = new Shape[n];
        for (int i = 0; i < n; i++) {
            s[i] = new Shape();
        }
        return s;
    }

    /** Picks made, for {@link Shape#usedAt}. */
    private int picks;

    /**
     * The shape whose first name is at {@code i} (and, for a contested shape, the second name too), else
     * the least recently picked one, cleared. Tables whose keys look alike share a set of shapes, and their
     * rows often begin with the same column ({@code id}); told apart by the first name only, they would
     * take each other's shape in turn and miss every name guess. A shape that has seen another second name
     * after its first one is contested, and only then is the second name looked for (a few bytes' scan). Shapes stay where they are: a move to the front would store
     * references into a long-lived array on every record whose table differs from the last one's (each
     * such store pays G1's post-write barrier fence); the recency is kept in a primitive stamp instead.
     */
    private Shape pick(Shape[] set, int i) {
        int stamp = ++picks;
        Shape oldest = set[0];
        int second = -1; // where this object's second name begins: -1 not looked for yet, -2 none nearby
        for (int j = 0; j < set.length; j++) {
            Shape s = set[j];
            byte[] first = s.name[0];
            if (first != null && regionMatches(i, first, s.nameLength[0])) {
                byte[] next = s.contested ? s.name[1] : null;
                if (next != null && second == -1) {
                    second = secondName(i + s.nameLength[0]);
                }
                if (next == null || second < 0 || regionMatches(second, next, s.nameLength[1])) {
                    s.usedAt = stamp;
                    return s;
                }
            }
            if (s.usedAt - oldest.usedAt < 0) { // wrap-safe: stamps only grow
                oldest = s;
            }
        }
        oldest.clear();
        oldest.usedAt = stamp;
        return oldest;
    }

    /**
     * Where the second member's name probably begins (its quote) in the object whose first name ends just
     * before {@code p}, looking at most 96 bytes ahead; -2 when not found there. Only a guess for
     * {@link #pick} (a comma inside an escaped string can mislead it): nothing is checked here.
     */
    private int secondName(int p) {
        byte[] buf = b;
        int n = Math.min(end, p + 96);
        int j = p;
        while (j < n && buf[j] != ':') {
            j++;
        }
        j++;
        while (j < n && buf[j] <= ' ') {
            j++;
        }
        if (j < n && buf[j] == '"') { // a string value: to its closing quote
            j++;
            while (j < n && (buf[j] != '"' || buf[j - 1] == '\\')) {
                j++;
            }
            j++;
        }
        for (; j < n; j++) {
            byte c = buf[j];
            if (c == ',') {
                return ws(j + 1);
            }
            if (c == '}' || c == '{' || c == '[') {
                return -2;
            }
        }
        return -2;
    }

    /**
     * The name of member {@code k} at {@code i} (its opening quote) into {@link #memberId} (and, for
     * columns, {@link #memberText}); returns the index after the closing quote.
     */
    private int memberName(int i, Shape s, int k, boolean column) {
        if (k < Shape.MAX_MEMBERS) {
            byte[] guess = s.name[k];
            if (guess != null && regionMatches(i, guess, s.nameLength[k])) {
                memberId = s.id[k];
                memberSlot = k;
                return i + s.nameLength[k];
            }
        }
        if (k == 1 && s.name[1] != null) {
            s.contested = true; // another second name after the same first one: pick checks both from now on
        }
        if (at(i) != '"') {
            // After a replayed run, i is where the last record's next member began; nothing has checked
            // that this record has a name there (e.g. a missing opening quote): Jackson reports it.
            throw HANDOVER;
        }
        int next = scanString(i + 1);
        if (strEscaped && !column) {
            throw HANDOVER; // an escape could spell a name we dispatch on
        }
        memberId = strEscaped ? ID_OTHER : classify();
        String text = column ? columnName() : null;
        if (k < Shape.MAX_MEMBERS && plainAscii()) {
            s.name[k] = padded(i, next - i, null);
            s.nameLength[k] = next - i;
            s.id[k] = memberId;
            s.text[k] = text;
            s.valueLength[k] = 0;
            s.misses[k] = 0;
            if (s.sequenceSlot == k) {
                s.sequenceSlot = -1;
            }
            memberSlot = k;
        } else {
            memberSlot = -1;
            otherMemberText = text;
        }
        return next;
    }

    /** The text of the member name just read by {@link #memberName} with shape {@code s} (columns only). */
    private String memberText(Shape s) {
        int k = memberSlot;
        return k >= 0 ? s.text[k] : otherMemberText;
    }

    /** The text of the string value just read by {@link #stringMember} or {@link #sourceText} with shape {@code s}. */
    private String memo(Shape s) {
        int k = memoSlot;
        return k >= 0 ? s.valueText[k] : otherMemoText;
    }

    /**
     * A string value of member {@code k} at {@code i} (its opening quote): the remembered one when the
     * bytes are the same, else scanned (and remembered). With a cache, its text is then {@link #memo}.
     */
    private int stringMember(int i, Shape s, int k, StringCache cache) {
        boolean memo = memoWorthIt(s, k);
        if (memo) {
            int len = s.valueLength[k];
            if (len > 0 && regionMatches(i, s.value[k], len) && (cache == null || s.valueText[k] != null)) {
                if (s.misses[k] != 0) {
                    s.misses[k] = 0;
                }
                memoHit = true;
                memoStored = true;
                memoSlot = k;
                return i + len;
            }
            missed(s, k);
        }
        memoHit = false;
        memoStored = false;
        int next = scanString(i + 1);
        String text = null;
        if (cache != null) {
            text = plainAscii() ? cachedText(s, k, cache) : decode();
        }
        int len = next - i;
        if (memo && len <= MAX_REMEMBERED_VALUE) {
            remember(s, k, i, len);
            if (s.valueText[k] != text) {
                s.valueText[k] = text;
            }
            s.valueIsLong[k] = false;
            memoStored = true;
            memoSlot = k;
        } else {
            memoSlot = -1;
            otherMemoText = text;
        }
        return next;
    }

    /**
     * The last (plain ASCII) string's text through {@code cache}, unless member {@code k}'s last texts all
     * missed the cache (names, codes, free text: a value that differs row by row), which then get a plain
     * new string: a miss costs a copy of the bytes and two stores into the long-lived cache on top of the
     * string. Every 16th record asks the cache again, so a member whose texts start repeating uses it again.
     */
    private String cachedText(Shape s, int k, StringCache cache) {
        int len = strEnd - strStart;
        if (k < Shape.MAX_MEMBERS && s.cacheMisses[k] >= MEMO_GIVE_UP && (recordCount & MEMO_RETRY_MASK) != 0) {
            return new String(b, strStart, len, StandardCharsets.ISO_8859_1);
        }
        String text = cache.get(b, strStart, len);
        if (k < Shape.MAX_MEMBERS) {
            byte misses = s.cacheMisses[k];
            if (cache.lastHit()) {
                if (misses != 0) {
                    s.cacheMisses[k] = 0;
                }
            } else if (misses < MEMO_GIVE_UP) {
                s.cacheMisses[k] = (byte) (misses + 1);
            }
        }
        return text;
    }

    /** A member the product does not need; strings and numbers are compared with the remembered value first. */
    private int skipMember(int i, Shape s, int k, int depth) {
        byte c = at(i);
        if (c == '"') {
            return stringMember(i, s, k, null);
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            return numberMember(i, s, k, false);
        }
        return skipValue(i, depth);
    }

    /**
     * A number of member {@code k} at {@code i}: the remembered one when the bytes are the same and the
     * number ends there, else scanned (and remembered). With {@code nonNegativeLong}, its value must be a
     * non-negative 64-bit integer and goes to {@link #numValue}.
     */
    private int numberMember(int i, Shape s, int k, boolean nonNegativeLong) {
        boolean memo = memoWorthIt(s, k);
        if (memo) {
            int len = s.valueLength[k];
            if (len > 0 && (!nonNegativeLong || s.valueIsLong[k]) && regionMatches(i, s.value[k], len) && endsNumber(i + len)) {
                if (s.misses[k] != 0) {
                    s.misses[k] = 0;
                }
                numValue = s.valueLong[k];
                return i + len;
            }
            missed(s, k);
        }
        int next = nonNegativeLong ? number(i) : skipNumber(i);
        boolean isLong = false;
        long v = 0;
        if (nonNegativeLong) {
            if (!numIsInt) {
                throw HANDOVER;
            }
            v = longValue();
            if (v < 0) {
                throw HANDOVER;
            }
            numValue = v;
            isLong = true;
        }
        int len = next - i;
        if (memo && len <= MAX_REMEMBERED_VALUE) {
            remember(s, k, i, len);
            s.valueText[k] = null;
            s.valueIsLong[k] = isLong;
            s.valueLong[k] = v;
        }
        return next;
    }

    /**
     * Whether member {@code k}'s value is worth comparing with the remembered one (and remembering): not
     * when its last values all differed (a timestamp or position changes every record: comparing and
     * copying would be wasted), except in every 16th record, so a member that settles is memoised again.
     * Only a cost decision: a remembered value stays paired with its bytes, so a later hit is still right.
     */
    private boolean memoWorthIt(Shape s, int k) {
        return valueMemo && k < Shape.MAX_MEMBERS
                && (s.misses[k] < MEMO_GIVE_UP || (recordCount & MEMO_RETRY_MASK) == 0);
    }

    private static void missed(Shape s, int k) {
        if (s.misses[k] < MEMO_GIVE_UP) {
            s.misses[k]++;
        }
    }

    /** Remembers member {@code k}'s value bytes {@code b[i, i + len)} in shape {@code s}. */
    private void remember(Shape s, int k, int i, int len) {
        byte[] old = s.value[k];
        byte[] t = padded(i, len, old);
        if (t != old) {
            s.value[k] = t;
        }
        s.valueLength[k] = len;
    }

    /** Whether a number ends before {@code j}: the next byte cannot continue it. */
    private boolean endsNumber(int j) {
        if (j >= end) {
            return false;
        }
        byte c = b[j];
        return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    /** Which known name the last scanned (unescaped) string is. */
    private int classify() {
        switch (strEnd - strStart) {
            case 2:
                return is(OP) ? ID_OP : is(DB) ? ID_DB : ID_OTHER;
            case 3:
                return is(KEY) ? ID_KEY : is(LSN) ? ID_LSN : is(POS) ? ID_POS : is(ROW) ? ID_ROW : ID_OTHER;
            case 4:
                return is(FILE) ? ID_FILE : ID_OTHER;
            case 5:
                return is(VALUE) ? ID_VALUE : is(AFTER) ? ID_AFTER : is(TABLE) ? ID_TABLE : is(TS_US) ? ID_TS_US
                        : is(TS_MS) ? ID_TS_MS : ID_OTHER;
            case 6:
                return is(SCHEMA) ? ID_SCHEMA : is(BEFORE) ? ID_BEFORE : is(SOURCE) ? ID_SOURCE : ID_OTHER;
            case 7:
                return is(PAYLOAD) ? ID_PAYLOAD : ID_OTHER;
            case 8:
                return is(SEQUENCE) ? ID_SEQUENCE : ID_OTHER;
            case 9:
                return is(CONNECTOR) ? ID_CONNECTOR : ID_OTHER;
            default:
                return ID_OTHER;
        }
    }

    /**
     * Whether {@code b[i, i + len)} equals {@code t[0, len)}, eight bytes at a time; {@code t} is padded
     * to a multiple of eight bytes ({@link #padded}), so its last word is compared under a mask.
     */
    private boolean regionMatches(int i, byte[] t, int len) {
        byte[] buf = b;
        if (i + len > end) {
            return false;
        }
        if (len >= 32) { // long texts and whole source blocks: the JIT's vectorised comparison
            return java.util.Arrays.equals(buf, i, i + len, t, 0, len);
        }
        int k = 0;
        if (i + t.length <= end) {
            for (; k + 8 <= len; k += 8) {
                if ((long) LONGS.get(buf, i + k) != (long) LONGS.get(t, k)) {
                    return false;
                }
            }
            if (k == len) {
                return true;
            }
            long diff = (long) LONGS.get(buf, i + k) ^ (long) LONGS.get(t, k);
            return (diff & (-1L >>> (64 - 8 * (len - k)))) == 0;
        }
        for (; k < len; k++) { // near the end of the input
            if (buf[i + k] != t[k]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code b[i, i + len)} equals {@code t[from, from + len)}; {@code t} may be read up to eight
     * bytes past {@code from + len} (a {@link MemberSkeleton}'s bytes are padded), so short pieces are
     * compared a word at a time, the last word under a mask.
     */
    private boolean sameRegion(int i, byte[] t, int from, int len) {
        byte[] buf = b;
        if (i + len > end) {
            return false;
        }
        if (len >= 32) {
            return java.util.Arrays.equals(buf, i, i + len, t, from, from + len);
        }
        int k = 0;
        if (i + len + 8 <= end) {
            for (; k + 8 <= len; k += 8) {
                if ((long) LONGS.get(buf, i + k) != (long) LONGS.get(t, from + k)) {
                    return false;
                }
            }
            if (k == len) {
                return true;
            }
            long diff = (long) LONGS.get(buf, i + k) ^ (long) LONGS.get(t, from + k);
            return (diff & (-1L >>> (64 - 8 * (len - k)))) == 0;
        }
        for (; k < len; k++) { // near the end of the input
            if (buf[i + k] != t[from + k]) {
                return false;
            }
        }
        return true;
    }

    /** A copy of {@code b[from, from + len)} zero-padded to a multiple of eight bytes, or into {@code reuse}. */
    private byte[] padded(int from, int len, byte[] reuse) {
        int size = (len + 7) & ~7;
        byte[] t = reuse != null && reuse.length >= size ? reuse : new byte[Math.max(size, 16)];
        System.arraycopy(b, from, t, 0, len);
        return t;
    }

    // ---------------------------------------------------------------- skipping

    /** Steps over any JSON value at {@code i} inside a container at {@code depth}, checking it fully. */
    private int skipValue(int i, int depth) {
        byte c = at(i);
        return switch (c) {
            case '"' -> scanString(i + 1);
            case '{' -> skipObject(ws(i + 1), depth + 1);
            case '[' -> skipArray(ws(i + 1), depth + 1);
            case 't' -> literal(i, TRUE);
            case 'f' -> literal(i, FALSE);
            case 'n' -> literal(i, NULL);
            default -> number(i);
        };
    }

    private int skipObject(int i, int depth) {
        if (depth >= maxDepth) {
            throw HANDOVER;
        }
        if (at(i) == '}') {
            return i + 1;
        }
        while (true) {
            if (at(i) != '"') {
                throw HANDOVER;
            }
            i = colon(scanString(i + 1));
            i = ws(skipValue(i, depth));
            byte c = at(i);
            if (c == '}') {
                return i + 1;
            }
            if (c != ',') {
                throw HANDOVER;
            }
            i = ws(i + 1);
        }
    }

    private int skipArray(int i, int depth) {
        if (depth >= maxDepth) {
            throw HANDOVER;
        }
        if (at(i) == ']') {
            return i + 1;
        }
        while (true) {
            i = ws(skipValue(i, depth));
            byte c = at(i);
            if (c == ']') {
                return i + 1;
            }
            if (c != ',') {
                throw HANDOVER;
            }
            i = ws(i + 1);
        }
    }

    // ---------------------------------------------------------------- lexical pieces

    private byte at(int i) {
        if (i >= end) {
            throw HANDOVER; // truncated
        }
        return b[i];
    }

    /** Skips JSON whitespace (space, tab, CR, LF: what Jackson accepts). */
    private int ws(int i) {
        if (i < end && b[i] > ' ') {
            return i; // the usual case: compact JSON
        }
        byte[] buf = b;
        int n = end;
        while (i < n) {
            byte c = buf[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                break;
            }
            i++;
        }
        return i;
    }

    /** After a member's name: whitespace, ':', whitespace; returns where the value starts. */
    private int colon(int i) {
        i = ws(i);
        if (at(i) != ':') {
            throw HANDOVER;
        }
        return ws(i + 1);
    }

    /**
     * After a member's value: either ',' and the next member's opening quote (returned; {@link #closed}
     * false) or '}' (the index after it is returned; {@link #closed} true).
     */
    private int nextMember(int i) {
        i = ws(i);
        byte c = at(i);
        if (c == '}') {
            closed = true;
            return i + 1;
        }
        if (c != ',') {
            throw HANDOVER;
        }
        i = ws(i + 1);
        if (at(i) != '"') {
            throw HANDOVER;
        }
        closed = false;
        return i;
    }

    /** Whether the last string scanned is exactly {@code name} (ASCII, unescaped). */
    private boolean is(byte[] name) {
        int len = name.length;
        if (strEnd - strStart != len) {
            return false;
        }
        byte[] buf = b;
        int s = strStart;
        for (int k = 0; k < len; k++) {
            if (buf[s + k] != name[k]) {
                return false;
            }
        }
        return true;
    }

    /** {@code true}, {@code false} or {@code null} at {@code i}: the first four bytes compared as one int. */
    private int literal(int i, byte[] word) {
        int n = word.length;
        if (i + n > end) {
            throw HANDOVER;
        }
        if ((int) INTS.get(b, i) != (int) INTS.get(word, 0)) {
            throw HANDOVER;
        }
        for (int k = 4; k < n; k++) {
            if (b[i + k] != word[k]) {
                throw HANDOVER;
            }
        }
        return i + n;
    }

    /**
     * Scans a string body from {@code i} (just after the opening quote) to just after the closing quote,
     * validating it the way Jackson would and more strictly: escapes must be JSON's, control characters
     * must be escaped, and non-ASCII bytes must be well-formed UTF-8 (RFC 3629: no overlong forms, no
     * surrogates, nothing above U+10FFFF).
     */
    private int scanString(int i) {
        byte[] buf = b;
        int n = end;
        int start = i;
        boolean escaped = false;
        boolean nonAscii = false;
        while (true) {
            // Eight bytes at a time to the next byte that is not plain ASCII text.
            while (i + 8 <= n) {
                long special = specialBytes((long) LONGS.get(buf, i));
                if (special != 0) {
                    i += Long.numberOfTrailingZeros(special) >>> 3;
                    break;
                }
                i += 8;
            }
            if (i >= n) {
                throw HANDOVER;
            }
            byte c = buf[i];
            if (c >= 0x20 && c != '"' && c != '\\') { // plain ASCII in the last few bytes (negative bytes are not)
                i++;
            } else if (c == '"') {
                break;
            } else if (c == '\\') {
                i = escape(i);
                escaped = true;
            } else if (c < 0) {
                i = utf8(i);
                nonAscii = true;
            } else {
                throw HANDOVER; // an unescaped control character
            }
        }
        if (i - start > maxStringBytes) {
            throw HANDOVER; // may be over parser.max-string-length (counted in chars by Jackson)
        }
        strStart = start;
        strEnd = i;
        strEscaped = escaped;
        strNonAscii = nonAscii;
        return i + 1;
    }

    /**
     * The high bit of every byte of the little-endian word {@code w} that ends plain string text: '"',
     * '\\', a control character (< 0x20) or a non-ASCII byte. The classic zero-byte tests can also flag
     * bytes above a flagged one (borrows), never below it, so the lowest flag is exact; that is all the
     * caller uses.
     */
    private static long specialBytes(long w) {
        long quote = w ^ 0x2222222222222222L;
        long backslash = w ^ 0x5C5C5C5C5C5C5C5CL;
        return ((quote - 0x0101010101010101L) & ~quote
                | (backslash - 0x0101010101010101L) & ~backslash
                | (w - 0x2020202020202020L) & ~w
                | w) & 0x8080808080808080L;
    }

    /** An escape at {@code i} (the backslash); returns the index after it. */
    private int escape(int i) {
        byte e = at(i + 1);
        switch (e) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                return i + 2;
            }
            case 'u' -> {
                if (i + 6 > end) {
                    throw HANDOVER;
                }
                int unit = 0;
                for (int k = i + 2; k < i + 6; k++) {
                    int h = hex(b[k]);
                    if (h < 0) {
                        throw HANDOVER;
                    }
                    unit = unit << 4 | h;
                }
                if (unit >= 0xD800 && unit <= 0xDFFF) {
                    throw HANDOVER; // Jackson checks surrogate pairs (in names at least): leave them to it
                }
                return i + 6;
            }
            default -> throw HANDOVER;
        }
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** A well-formed UTF-8 sequence at {@code i} (a lead byte >= 0x80); returns the index after it. */
    private int utf8(int i) {
        int c = b[i] & 0xFF;
        if (c < 0xC2) {
            throw HANDOVER; // a continuation byte, or an overlong two-byte form
        }
        if (c < 0xE0) {
            continuation(i + 1);
            return i + 2;
        }
        int c1 = at(i + 1) & 0xFF;
        if (c < 0xF0) {
            if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F)) {
                throw HANDOVER; // overlong, or a UTF-16 surrogate
            }
            continuation(i + 1);
            continuation(i + 2);
            return i + 3;
        }
        if (c > 0xF4 || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F)) {
            throw HANDOVER; // overlong, or above U+10FFFF
        }
        continuation(i + 1);
        continuation(i + 2);
        continuation(i + 3);
        return i + 4;
    }

    private void continuation(int i) {
        if ((at(i) & 0xC0) != 0x80) {
            throw HANDOVER;
        }
    }

    /**
     * A JSON number at {@code i}, by JSON's grammar (no leading zeros, no '+', digits on both sides of
     * '.', digits in the exponent). Integers keep their magnitude for {@link #longValue()}.
     */
    private int number(int i) {
        byte[] buf = b;
        int n = end;
        int start = i;
        if (at(i) == '-') {
            i++;
        }
        int digitsStart = i;
        byte c = at(i);
        long magnitude = 0;
        if (c == '0') {
            i++;
        } else if (c >= '1' && c <= '9') {
            i = digitRun(buf, i, n);
            magnitude = runValue;
        } else {
            throw HANDOVER;
        }
        int intDigits = i - digitsStart;
        boolean isInt = true;
        if (i < n && buf[i] == '.') {
            isInt = false;
            i = digits(i + 1);
        }
        if (i < n && (buf[i] == 'e' || buf[i] == 'E')) {
            isInt = false;
            i++;
            if (i < n && (buf[i] == '+' || buf[i] == '-')) {
                i++;
            }
            i = digits(i);
        }
        if (i - start > MAX_NUMBER_LENGTH) {
            throw HANDOVER;
        }
        numStart = start;
        numEnd = i;
        numIsInt = isInt;
        numIntDigits = intDigits;
        numMagnitude = magnitude;
        return i;
    }

    /**
     * Steps over a JSON number at {@code i} whose value is not needed: a plain integer's digits are found
     * eight at a time without computing its value; anything else (sign, leading zero, fraction,
     * exponent, too many digits) is checked by {@link #number}. Leaves the last-number fields unset.
     */
    private int skipNumber(int i) {
        byte[] buf = b;
        int n = end;
        if (i >= n || buf[i] < '1' || buf[i] > '9') {
            return number(i);
        }
        int j = i + 1;
        while (true) {
            if (j + 8 > n) { // the last few bytes of the input (the envelope's last member): one at a time
                while (j < n && buf[j] >= '0' && buf[j] <= '9') {
                    j++;
                }
                break;
            }
            long nd = nonDigits((long) LONGS.get(buf, j));
            if (nd != 0) {
                j += Long.numberOfTrailingZeros(nd) >>> 3; // the first byte that is not a digit
                break;
            }
            j += 8;
        }
        if (j < n) {
            byte c = buf[j];
            if (c == '.' || c == 'e' || c == 'E') {
                return number(i);
            }
        }
        if (j - i > MAX_NUMBER_LENGTH) {
            return number(i);
        }
        return j;
    }

    /** Output of {@link #digitRun}: the value of the digits (wrapped beyond 18 digits: callers check the count). */
    private long runValue;

    /**
     * The run of ASCII digits from {@code i} (possibly none) into {@link #runValue}; returns where it ends.
     * Eight digits at a time, and the last one to seven of a run also in one step: they are shifted to the
     * top of their word behind '0' bytes, which {@link #eightDigits} then reads as leading zeros. Only the
     * last seven bytes of the input go one at a time.
     */
    private int digitRun(byte[] buf, int i, int n) {
        long v = 0;
        while (i + 8 <= n) {
            long w = (long) LONGS.get(buf, i);
            long nd = nonDigits(w);
            if (nd == 0) {
                v = v * 100_000_000L + eightDigits(w);
                i += 8;
                continue;
            }
            int d = Long.numberOfTrailingZeros(nd) >>> 3; // digits before the first non-digit (exact: see nonDigits)
            if (d != 0) {
                v = v * POW10[d] + eightDigits((w << ((8 - d) << 3)) | (0x3030303030303030L >>> (d << 3)));
                i += d;
            }
            runValue = v;
            return i;
        }
        byte c;
        while (i < n && (c = buf[i]) >= '0' && c <= '9') {
            v = v * 10 + (c - '0');
            i++;
        }
        runValue = v;
        return i;
    }

    /**
     * Non-zero unless all eight bytes of the little-endian word are ASCII digits. The lowest flagged byte
     * is exactly the first non-digit: a flag caused by a carry lands above the byte that caused it.
     */
    private static long nonDigits(long w) {
        // high nibble 3, and low nibble <= 9 (adding 6 keeps the high nibble at 3); a carry out of a byte
        // needs a byte >= 0xFA, which the first test already flags
        return ((w & 0xF0F0F0F0F0F0F0F0L) ^ 0x3030303030303030L)
                | (((w + 0x0606060606060606L) & 0xF0F0F0F0F0F0F0F0L) ^ 0x3030303030303030L);
    }

    /** The value of eight ASCII digits, the first in the lowest byte. */
    private static long eightDigits(long w) {
        long v = w - 0x3030303030303030L;
        v = (v * 10 + (v >>> 8)) & 0x00FF00FF00FF00FFL;
        v = (v * 100 + (v >>> 16)) & 0x0000FFFF0000FFFFL;
        return (v * 10000 + (v >>> 32)) & 0xFFFFFFFFL;
    }

    /** One or more digits from {@code i}. */
    private int digits(int i) {
        byte c = at(i);
        if (c < '0' || c > '9') {
            throw HANDOVER;
        }
        i++;
        while (i < end && (c = b[i]) >= '0' && c <= '9') {
            i++;
        }
        return i;
    }

    /** The last number as a long; anything beyond 64 bits is Jackson's reader's to report. */
    private long longValue() {
        boolean negative = b[numStart] == '-';
        if (numIntDigits <= 18) {
            return negative ? -numMagnitude : numMagnitude;
        }
        try {
            return Long.parseLong(new String(b, numStart, numEnd - numStart, StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException e) {
            throw HANDOVER;
        }
    }

    private double finiteDouble() {
        double d = Double.parseDouble(new String(b, numStart, numEnd - numStart, StandardCharsets.ISO_8859_1));
        if (Double.isInfinite(d)) {
            throw HANDOVER;
        }
        return d;
    }

    /** A non-negative integer at {@code i} into {@link #numValue}. */
    private int nonNegativeLong(int i) {
        i = number(i);
        if (!numIsInt) {
            throw HANDOVER;
        }
        long v = longValue();
        if (v < 0) {
            throw HANDOVER;
        }
        numValue = v;
        return i;
    }

    // ---------------------------------------------------------------- decoding kept strings

    private boolean plainAscii() {
        return !strEscaped && !strNonAscii;
    }

    private String columnName() {
        return plainAscii() ? names.get(b, strStart, strEnd - strStart) : decode();
    }


    /** The last string, decoded: the same text Jackson gives (escapes resolved, lone \\u surrogates kept). */
    private String decode() {
        if (!strEscaped) {
            return new String(b, strStart, strEnd - strStart, StandardCharsets.UTF_8); // validated above
        }
        int n = decodeToChars(); // may replace the chars array
        return new String(chars, 0, n);
    }

    /** Decodes the last (validated) string into {@link #chars}; returns the number of chars. */
    private int decodeToChars() {
        int len = strEnd - strStart;
        if (chars.length < len) {
            chars = new char[Math.max(len, chars.length * 2)];
        }
        char[] out = chars;
        byte[] buf = b;
        int o = 0;
        int i = strStart;
        int n = strEnd;
        while (i < n) {
            int c = buf[i];
            if (c == '\\') {
                byte e = buf[i + 1];
                switch (e) {
                    case 'b' -> out[o++] = '\b';
                    case 'f' -> out[o++] = '\f';
                    case 'n' -> out[o++] = '\n';
                    case 'r' -> out[o++] = '\r';
                    case 't' -> out[o++] = '\t';
                    case 'u' -> {
                        out[o++] = (char) (hex(buf[i + 2]) << 12 | hex(buf[i + 3]) << 8 | hex(buf[i + 4]) << 4 | hex(buf[i + 5]));
                        i += 4;
                    }
                    default -> out[o++] = (char) e; // " \ /
                }
                i += 2;
            } else if (c >= 0) {
                out[o++] = (char) c;
                i++;
            } else {
                c &= 0xFF;
                int cp;
                if (c < 0xE0) {
                    cp = (c & 0x1F) << 6 | (buf[i + 1] & 0x3F);
                    i += 2;
                } else if (c < 0xF0) {
                    cp = (c & 0x0F) << 12 | (buf[i + 1] & 0x3F) << 6 | (buf[i + 2] & 0x3F);
                    i += 3;
                } else {
                    cp = (c & 0x07) << 18 | (buf[i + 1] & 0x3F) << 12 | (buf[i + 2] & 0x3F) << 6 | (buf[i + 3] & 0x3F);
                    i += 4;
                }
                if (cp >= 0x10000) {
                    out[o++] = Character.highSurrogate(cp);
                    out[o++] = Character.lowSurrogate(cp);
                } else {
                    out[o++] = (char) cp;
                }
            }
        }
        return o;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
