#!/usr/bin/env python3
"""Generates the snapdelta JSON and snapdelta Avro malformed-input corpora (records + manifest.tsv +
limits.txt). Avro records are binary, so snapdelta-avro/records.hex holds one hex-encoded record per line.
The good Avro record is SnapdeltaAvroWriter's output for: table public.t, INSERT, version 1:2, ts 99,
key aid=7, after (aid=7, note="ok"). Run: python3 generate_snapdelta.py (from this directory)."""
import json

LIMITS = "parser.max-record-bytes=16kb\nparser.max-string-length=16\nparser.max-fields=8\nparser.max-nesting-depth=16\n"

# ---------------------------------------------------------------- snapdelta JSON
G = {"snapdelta": 1, "ns": "public", "table": "t", "op": "c", "version": ["1", "2"], "ts_us": 99,
     "key": [["aid", "int64", 7]], "after": [["aid", "int64", 7], ["note", "string", "ok"]]}


def j(d):
    return json.dumps(d, separators=(",", ":"), ensure_ascii=False).encode()


def w(**kw):
    d = dict(G)
    for k, v in kw.items():
        if v is DROP:
            del d[k]
        else:
            d[k] = v
    return j(d)


DROP = object()
GOOD = j(G)
json_records = [
    ("good insert", GOOD, "OK", ""),
    ("truncated", GOOD[:40], "MALFORMED", "/table"),
    ("no format version", w(snapdelta=DROP), "MISSING_FIELD", "/snapdelta"),
    ("format version 2", w(snapdelta=2), "UNSUPPORTED", "/snapdelta"),
    ("op is a number", w(op=1), "WRONG_TYPE", "/op"),
    ("unknown op", w(op="x"), "INVALID_VALUE", "/op"),
    ("good delete", w(op="d", after=None, before=G["after"]), "OK", ""),
    ("version is a string", w(version="1:2"), "WRONG_TYPE", "/version"),
    ("version element is not digits", w(version=["1", "two"]), "INVALID_VALUE", "/version/1"),
    ("field is not a triple", w(after=[["aid", "int64"]]), "WRONG_TYPE", "/after/0/2"),
    ("unknown type name", w(after=[["aid", "int32", 7]]), "INVALID_VALUE", "/after/0/1"),
    ("int64 field holds a string", w(after=[["aid", "int64", "7"]]), "WRONG_TYPE", "/after/0/2"),
    ("decimal field holds garbage", w(after=[["p", "decimal", "12,5"]]), "INVALID_VALUE", "/after/0/2"),
    ("missing key", w(key=DROP), "MISSING_FIELD", "/key"),
    ("insert with after null", w(after=None), "MISSING_FIELD", "/after"),
    ("string over the length limit", w(after=[["note", "string", "x" * 40]]), "TOO_LARGE", "/after/0/2"),
    ("bad UTF-8", GOOD.replace(b'"ok"', b'"o\xc3\x28k"'), "INVALID_UTF8", "/after/1/2"),
    ("empty line", b"", "EMPTY", ""),
    ("whitespace-only", b"  ", "EMPTY", ""),
    ("trailing garbage", GOOD + b"]", "MALFORMED", ""),
    ("value is an array", b"[1]", "WRONG_TYPE", ""),
    ("good snapshot read with nulls and unknown extra field", w(op="r", extra={"future": True},
        after=[["aid", "int64", 7], ["note", "string", None], ["n", "null", None]]), "OK", ""),
]

# ---------------------------------------------------------------- snapdelta Avro
HEADER = "c301f41ea401b27711e0"
BODY = "0c7075626c69630274020204c601020661696404040e000002040661696404040e086e6f74650a0a046f6b00"
AV = HEADER + BODY
avro_records = [
    ("good insert", AV, "OK", ""),
    ("truncated", AV[:-12], "MALFORMED", "/after/1/type"),
    ("not single-object encoding", "c302" + AV[4:], "MALFORMED", ""),
    ("unknown schema fingerprint", HEADER[:4] + "00" * 8 + BODY, "UNSUPPORTED", ""),
    ("op enum index out of range", AV.replace("0274020204c601", "0274120204c601"), "INVALID_VALUE", "/op"),
    ("field type index out of range", AV.replace("02066169640404", "02066169641804", 1), "INVALID_VALUE", "/key/0/type"),
    ("int64 field holds a string branch", AV.replace("02066169640404", "0206616964040a", 1), "WRONG_TYPE", "/key/0/value"),
    ("bad UTF-8 in a string", AV.replace("046f6b00", "04c32800"), "INVALID_UTF8", "/after/1/value"),
    ("negative table length", HEADER + "0c7075626c696301" + BODY[16:], "MALFORMED", "/table"),
    ("trailing bytes", AV + "00", "MALFORMED", ""),
    ("insert without after", HEADER + BODY[: BODY.index("000002040661")] + "000000", "MISSING_FIELD", "/after"),
    ("string over the length limit", AV.replace("046f6b00", "28" + "78" * 20 + "00"), "TOO_LARGE", "/after/1/value"),
    ("empty record", "", "EMPTY", ""),
    ("good insert again", AV, "OK", ""),
]


def write(dirname, records, ext, enc):
    with open(f"{dirname}/records.{ext}", "wb") as out:
        for _, data, _, _ in records:
            assert b"\n" not in enc(data)
            out.write(enc(data) + b"\n")
    with open(f"{dirname}/manifest.tsv", "w") as out:
        out.write("# line\tname\texpected (OK, TOMBSTONE or error class)\tfield path\n")
        for i, (name, _, expect, path) in enumerate(records, 1):
            out.write(f"{i}\t{name}\t{expect}\t{path}\n")
    with open(f"{dirname}/limits.txt", "w") as out:
        out.write(LIMITS)


write("snapdelta-json", json_records, "jsonl", lambda b: b)
write("snapdelta-avro", avro_records, "hex", lambda h: h.encode())
print(len(json_records), len(avro_records))
