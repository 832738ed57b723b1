package io.snapdelta.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The independent implementation (schemas/tools/state_digest.py --shards S [--sharding-version V]) computes the
 * same shard as {@link ShardAssigner} for keys of every type, nulls and long values, under both sharding
 * versions. v1 runs on the {@code python3} on PATH (standard library only); v2 needs the xxhash module and runs
 * on Debian's {@code /usr/bin/python3} (python3-xxhash, which .ci/run installs), failing with the install hint.
 */
class ShardingPythonTest {
    private static final String DEBIAN_PYTHON = "/usr/bin/python3";
    private static final String INSTALL = "apt-get install -y --no-install-recommends python3-xxhash (or run .ci/run)";
    private static final FieldType[] TYPES = {FieldType.INT64, FieldType.STRING, FieldType.BOOLEAN, FieldType.FLOAT64,
            FieldType.DECIMAL, FieldType.BYTES, FieldType.TIMESTAMP_MICROS, FieldType.DATE};

    @TempDir
    Path dir;

    private record Entry(TableId table, Row key) {
    }

    private static List<Entry> entries() {
        Random r = new Random(5);
        List<Entry> out = new ArrayList<>();
        TableId accounts = TableId.of("public", "pgbench_accounts");
        RowSchema aid = RowSchema.of(new String[] {"aid"}, new FieldType[] {FieldType.INT64});
        for (long v : new long[] {0, 1, 2, -1, 100_000, Long.MIN_VALUE, Long.MAX_VALUE}) {
            out.add(new Entry(accounts, Row.of(aid, v)));
        }
        for (int i = 0; i < 300; i++) {
            int fields = 1 + r.nextInt(4);
            String[] names = new String[fields];
            FieldType[] types = new FieldType[fields];
            Object[] values = new Object[fields];
            for (int f = 0; f < fields; f++) {
                names[f] = "k" + f + (f == 1 ? "\u00e9" : "");
                types[f] = TYPES[r.nextInt(TYPES.length)];
                values[f] = r.nextInt(8) == 0 ? null : switch (types[f]) {
                    case INT64, TIMESTAMP_MICROS, DATE -> r.nextLong();
                    case STRING -> "Z\u00fcrich \u6f22\"\\".repeat(r.nextInt(r.nextInt(5) == 0 ? 200 : 3));
                    case BOOLEAN -> r.nextBoolean();
                    case FLOAT64 -> (r.nextDouble() - 0.5) * 1e9;
                    case DECIMAL -> new BigDecimal(new BigInteger(r.nextInt(200), r).subtract(BigInteger.valueOf(1000)), r.nextInt(8));
                    case BYTES -> randomBytes(r, r.nextInt(r.nextInt(5) == 0 ? 600 : 6));
                    case NULL -> null;
                };
            }
            out.add(new Entry(TableId.of(i % 4 == 0 ? "" : "s" + (i % 3), "table_" + (i % 7)), Row.of(RowSchema.of(names, types), values)));
        }
        return out;
    }

    private static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** The entries in the tool's state description format (a key only; the shard ignores the row). */
    private Path stateFile(List<Entry> entries) throws IOException {
        List<Object> list = new ArrayList<>();
        for (Entry e : entries) {
            List<Object> key = new ArrayList<>();
            for (int f = 0; f < e.key().size(); f++) {
                Map<String, Object> field = new LinkedHashMap<>();
                FieldType t = e.key().schema().type(f);
                Object v = e.key().get(f);
                field.put("name", e.key().schema().name(f));
                field.put("type", t.name());
                field.put("value", v == null ? null : switch (t) {
                    case FLOAT64 -> Double.toString((Double) v);
                    case DECIMAL -> ((BigDecimal) v).toPlainString();
                    case BYTES -> HexFormat.of().formatHex((byte[]) v);
                    default -> v;
                });
                key.add(field);
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("namespace", e.table().namespace());
            entry.put("table", e.table().name());
            entry.put("key", key);
            entry.put("row", List.of());
            list.add(entry);
        }
        Path state = dir.resolve("entries.json");
        new ObjectMapper().writeValue(state.toFile(), Map.of("entries", list));
        return state;
    }

    /** The last column of each output line: the tool's shard of each entry, in order. */
    private static List<Integer> pythonShards(String python, Path state, int shards, int version) throws Exception {
        Path script = Paths.get("..", "schemas", "tools", "state_digest.py").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(script), "the Python tool is missing at " + script);
        // Output to a file, not a pipe: the lines echo long keys, more than a pipe holds before the child blocks.
        Path log = Files.createTempFile(state.getParent(), "shards-", ".txt");
        Process p;
        try {
            p = new ProcessBuilder(python, script.toString(), state.toString(), "--shards", Integer.toString(shards),
                    "--sharding-version", Integer.toString(version)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            fail(python + " could not be started (" + e.getMessage() + ")" + (version == 2 ? "; install Debian's Python with xxhash: " + INSTALL : ""));
            return null;
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(python + " " + script + " did not finish within 120 s");
        }
        String out = Files.readString(log, StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0) {
            fail(python + " failed" + (version == 2 ? " (sharding v2 needs python3-xxhash: " + INSTALL + ")" : "") + ":\n" + out);
        }
        List<Integer> shardsOut = new ArrayList<>();
        for (String line : out.split("\n")) {
            shardsOut.add(Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1)));
        }
        return shardsOut;
    }

    private void assertAgrees(String python, ShardingVersion version) throws Exception {
        if (version == ShardingVersion.V2) {
            assertTrue(Files.isExecutable(Paths.get(DEBIAN_PYTHON)), DEBIAN_PYTHON + " is missing; sharding v2's check needs "
                    + "Debian's Python 3 with xxhash: " + INSTALL);
        }
        List<Entry> entries = entries();
        Path state = stateFile(entries);
        for (int s : new int[] {16, 1000003}) {
            ShardAssigner a = new ShardAssigner(s, version);
            List<Integer> java = new ArrayList<>();
            for (Entry e : entries) {
                java.add(a.shardOf(e.table(), e.key()));
            }
            assertEquals(java, pythonShards(python, state, s, version.number()), "sharding v" + version.number() + ", S=" + s);
        }
    }

    @Test
    void pythonAgreesOnV1ShardsWithTheStandardLibraryOnly() throws Exception {
        assertAgrees("python3", ShardingVersion.V1);
    }

    @Test
    void pythonAgreesOnV2Shards() throws Exception {
        assertAgrees(DEBIAN_PYTHON, ShardingVersion.V2);
    }
}
