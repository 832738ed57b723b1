#!/usr/bin/env python3
"""Generates debezium/records.jsonl and debezium/manifest.tsv: the Debezium JSON malformed-input corpus.

One record per line (the capture's line form {"key":K,"value":V}, key bytes null). The manifest names
each line and what the parser must do with it: OK (an event), TOMBSTONE (null, no event) or the error
class and the JSON-pointer path of the offending field. The test reads the parser limits from limits.txt.
Run: python3 generate_debezium.py (from this directory); commit both outputs.
"""
import json

SRC = {"version": "3.6.1.Final", "connector": "postgresql", "name": "bench", "ts_ms": 1795584130305,
       "snapshot": "false", "db": "bench_small", "sequence": "[\"79473992\",\"79472864\"]",
       "ts_us": 1795584130305028, "ts_ns": 1795584130305028000, "schema": "public",
       "table": "pgbench_accounts", "txId": 6806, "lsn": 79472864, "xmin": None, "origin": None, "origin_lsn": None}
ROW_B = {"aid": 7, "bid": 1, "abalance": 0, "filler": " " * 84}
ROW_A = {"aid": 7, "bid": 1, "abalance": -1908, "filler": " " * 84}


def env(op="u", before=ROW_B, after=ROW_A, source=SRC, **extra):
    v = {"before": before, "after": after, "source": source, "transaction": None, "op": op,
         "ts_ms": 1795584130776, "ts_us": 1795584130776405, "ts_ns": 1795584130776405673}
    v.update(extra)
    return v


def line(value, key={"aid": 7}):
    return json.dumps({"key": key, "value": value}, separators=(",", ":")).encode()


def drop(d, k):
    d = dict(d)
    del d[k]
    return d


def with_(d, **kw):
    d = dict(d)
    d.update(kw)
    return d


GOOD = line(env())
records = []


def add(name, data, expect, path=""):
    assert b"\n" not in data, name
    records.append((name, data, expect, path))


add("good update", GOOD, "OK")
add("truncated JSON", GOOD[: len(GOOD) // 2], "MALFORMED", "/value/source/name")
add("good snapshot read", line(env(op="r", before=None, source=with_(SRC, sequence="[null,\"79471320\"]", snapshot="true"))), "OK")
add("op is a number", line(env(op=5)), "WRONG_TYPE", "/value/op")
add("after is a string", line(env(after="aid=7")), "WRONG_TYPE", "/value/after")
add("lsn is a string", line(env(source=with_(SRC, lsn="79472864"))), "WRONG_TYPE", "/value/source/lsn")
add("sequence is a number", line(env(source=with_(SRC, sequence=79472864))), "WRONG_TYPE", "/value/source/sequence")
add("key is a number", line(env(), key=7), "WRONG_TYPE", "/key")
add("good insert into history", line(env(op="c", before=None,
    after={"tid": 8, "bid": 1, "aid": 7, "delta": -1908, "mtime": 1795584130303501, "filler": None, "hid": 3},
    source=with_(SRC, table="pgbench_history")), key={"hid": 3}), "OK")
add("missing key (null)", line(env(), key=None), "MISSING_FIELD", "/key")
add("missing key (absent)", json.dumps({"value": env()}, separators=(",", ":")).encode(), "MISSING_FIELD", "/key")
add("missing op", line(drop(env(), "op")), "MISSING_FIELD", "/value/op")
add("unknown op", line(env(op="x")), "INVALID_VALUE", "/value/op")
add("unknown long op", line(env(op="update")), "INVALID_VALUE", "/value/op")
add("truncate op", line(env(op="t", before=None, after=None), key=None), "UNSUPPORTED", "/value/op")
add("logical decoding message op", line(env(op="m", before=None, after=None), key=None), "UNSUPPORTED", "/value/op")
add("good delete", line(env(op="d", after=None)), "OK")
add("string over the length limit", line(env(after=with_(ROW_A, filler="x" * 1500))), "TOO_LARGE", "/value/after/filler")
add("bad UTF-8 in a column", GOOD.replace(b'"filler":"' + b" " * 84 + b'"},"source"',
                                         b'"filler":"ab\xc3\x28cd"},"source"'), "INVALID_UTF8", "/value/after/filler")
add("bad UTF-8 in a skipped field", GOOD.replace(b"3.6.1.Final", b"3.6.1.\xff\xfeFinal"), "INVALID_UTF8", "/value/source/version")
add("empty line", b"", "EMPTY", "")
add("whitespace-only line", b"   \t  ", "EMPTY", "")
add("good tombstone", line(None), "TOMBSTONE")
add("schema/payload envelope without payload", line({"schema": {"type": "struct", "fields": [], "optional": False}}),
    "MISSING_FIELD", "/value/payload")
add("payload is a string", line({"schema": None, "payload": "x"}), "WRONG_TYPE", "/value/payload")
add("insert without after", line(drop(env(op="c", before=None), "after")), "MISSING_FIELD", "/value/after")
add("insert with after null", line(env(op="c", before=None, after=None)), "MISSING_FIELD", "/value/after")
add("delete with an after image", line(env(op="d")), "INVALID_VALUE", "/value/after")
add("value is an array", line([1, 2, 3]), "WRONG_TYPE", "/value")
add("value is a number", line(42), "WRONG_TYPE", "/value")
add("not JSON at all", b"hello world", "MALFORMED", "")
add("trailing garbage", GOOD + b" xyz", "MALFORMED", "")
add("two JSON values on one line", GOOD + GOOD, "MALFORMED", "")
add("deeply nested junk in a skipped field", GOOD.replace(b'"transaction":null', b'"transaction":' + b"[" * 100 + b"]" * 100),
    "TOO_LARGE", "/value/transaction" + "/0" * 30)
add("object as a column value", line(env(after=with_(ROW_A, filler={"a": [1, {"b": 2}]}))), "WRONG_TYPE", "/value/after/filler")
add("integer out of the 64-bit range", GOOD.replace(b'"abalance":-1908', b'"abalance":99999999999999999999999'),
    "INVALID_VALUE", "/value/after/abalance")
add("float out of range", GOOD.replace(b'"abalance":-1908', b'"abalance":1e999'), "INVALID_VALUE", "/value/after/abalance")
add("sequence is not a JSON array of LSN strings", line(env(source=with_(SRC, sequence="[1,2]"))), "INVALID_VALUE", "/value/source/sequence")
add("sequence with three elements", line(env(source=with_(SRC, sequence="[\"1\",\"2\",\"3\"]"))), "INVALID_VALUE", "/value/source/sequence")
add("negative lsn", line(env(source=with_(drop(SRC, "sequence"), lsn=-5))), "INVALID_VALUE", "/value/source/lsn")
add("good event without sequence (lsn fallback)", line(env(source=drop(SRC, "sequence"))), "OK")
add("no version fields", line(env(source=drop(drop(SRC, "sequence"), "lsn"))), "MISSING_FIELD", "/value/source/lsn")
add("missing source", line(drop(env(), "source")), "MISSING_FIELD", "/value/source")
add("missing source.table", line(env(source=drop(SRC, "table"))), "MISSING_FIELD", "/value/source/table")
add("source is a string", line(env(source="pg")), "WRONG_TYPE", "/value/source")
add("too many columns", line(env(after={f"c{i}": i for i in range(70)})), "TOO_LARGE", "/value/after/c64")
add("record over the size limit", line(env(before=with_(ROW_B, filler="y" * 900), after=with_(ROW_A, extra=["z" * 900] * 20))),
    "TOO_LARGE", "")
add("duplicate column", GOOD.replace(b'"abalance":-1908', b'"abalance":-1908,"bid":2'), "INVALID_VALUE", "/value")
add("empty value object", line({}), "MISSING_FIELD", "/value/op")

# JsonConverter schema/payload wrapping, typed by the Connect schema.
def struct(name, fields, optional=False):
    return {"type": "struct", "fields": fields, "optional": optional, "name": name}


def f(field, type_, name=None, optional=True, **params):
    d = {"type": type_, "optional": optional, "field": field}
    if name:
        d["name"] = name
    if params:
        d["parameters"] = {k: str(v) for k, v in params.items()}
    return d


VAL_FIELDS = [f("id", "int32", optional=False), f("price", "bytes", "org.apache.kafka.connect.data.Decimal", scale=2),
              f("at", "int64", "io.debezium.time.MicroTimestamp"), f("day", "int32", "io.debezium.time.Date"),
              f("note", "string")]
ENV_SCHEMA = struct("shop.public.items.Envelope", [
    struct("shop.public.items.Value", VAL_FIELDS, True) | {"field": "before"},
    struct("shop.public.items.Value", VAL_FIELDS, True) | {"field": "after"},
    struct("io.debezium.connector.postgresql.Source", [f("table", "string")]) | {"field": "source"},
    f("op", "string", optional=False)])
KEY_SCHEMA = struct("shop.public.items.Key", [f("id", "int32", optional=False)])
SRC_ITEMS = with_(SRC, table="items", db="shop")
ITEM = {"id": 1, "price": "MDk=", "at": 1795584130303501, "day": 20000, "note": "Zürich"}


def wrapped(after, key={"schema": KEY_SCHEMA, "payload": {"id": 1}}):
    return json.dumps({"key": key, "value": {"schema": ENV_SCHEMA, "payload": env(op="c", before=None, after=after, source=SRC_ITEMS)}},
                      separators=(",", ":"), ensure_ascii=False).encode()


add("good schema/payload wrapped insert", wrapped(ITEM), "OK")
add("wrapped int32 column holds a string", wrapped(with_(ITEM, id="one")), "WRONG_TYPE", "/value/payload/after/id")
add("wrapped int32 column out of range", wrapped(with_(ITEM, id=2**40)), "INVALID_VALUE", "/value/payload/after/id")
add("wrapped decimal is not base64", wrapped(with_(ITEM, price="***")), "INVALID_VALUE", "/value/payload/after/price")
add("wrapped column not in the schema", wrapped(with_(ITEM, colour="red")), "INVALID_VALUE", "/value/payload/after/colour")
add("wrapped key without payload", wrapped(ITEM, key={"schema": KEY_SCHEMA}), "MISSING_FIELD", "/key/payload")
add("good update after the junk", GOOD, "OK")

with open("debezium/records.jsonl", "wb") as out:
    for _, data, _, _ in records:
        out.write(data + b"\n")
with open("debezium/manifest.tsv", "w") as out:
    out.write("# line\tname\texpected (OK, TOMBSTONE or error class)\tfield path\n")
    for i, (name, _, expect, path) in enumerate(records, 1):
        out.write(f"{i}\t{name}\t{expect}\t{path}\n")
with open("debezium/limits.txt", "w") as out:
    out.write("parser.max-record-bytes=16kb\nparser.max-string-length=1000\nparser.max-fields=64\nparser.max-nesting-depth=32\n")
print(len(records), "records")
