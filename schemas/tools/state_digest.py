#!/usr/bin/env python3
"""Independent implementation of the snapdelta state digest v1 and v2 (schemas/state-digest-v1.md, -v2.md).

v1 needs the Python 3 standard library only; v2 (--digest-version 2) also needs the xxhash module (Debian:
apt-get install python3-xxhash, for /usr/bin/python3), imported only then. Reads a JSON description of a keyed
state and prints its digest as 64 lowercase hex digits. With --entries it also prints, per entry, the canonical
encoding and its entry hash in hex (as in the specs' worked examples).

State JSON:
  {"entries": [
     {"namespace": "public", "table": "t",
      "key": [{"name": "id", "type": "INT64", "value": 1}],
      "row": [{"name": "id", "type": "INT64", "value": 1}, {"name": "s", "type": "STRING", "value": null}]}
  ]}
Values: BOOLEAN true/false; INT64, TIMESTAMP_MICROS, DATE integers; FLOAT64 a decimal string or number;
DECIMAL a decimal string (its scale is the number of digits after the point, as written);
STRING a string; BYTES a hex string; null for SQL NULL; NULL-typed fields only null.

With --shards S it prints, per entry, its shard under S shards instead: sharding v1 (schemas/sharding-v1.md,
SHA-256, standard library) unless --sharding-version 2 (schemas/sharding-v2.md, XXH3-64: needs the xxhash
module, Debian's python3-xxhash; only this mode imports it). With --entries and --shards it also prints each
entry's canonical (table, key) encoding and its 64-bit hash in hex.

Usage: state_digest.py STATE.json [--digest-version 1|2] [--entries] [--shards S [--sharding-version 1|2]]
"""
import decimal
import hashlib
import json
import struct
import sys

ENCODING_VERSION = 1
TYPE_IDS = {"NULL": 0, "BOOLEAN": 1, "INT64": 2, "FLOAT64": 3, "DECIMAL": 4, "STRING": 5, "BYTES": 6,
            "TIMESTAMP_MICROS": 7, "DATE": 8}
MASK64 = (1 << 64) - 1


def u32(n):
    return struct.pack(">I", n)


def text(s):
    b = s.encode("utf-8")
    return u32(len(b)) + b


def blob(b):
    return u32(len(b)) + b


def signed_minimal(n):
    """Minimal big-endian two's complement, as java.math.BigInteger.toByteArray() writes it."""
    bits = n.bit_length() if n >= 0 else (~n).bit_length()
    return n.to_bytes(bits // 8 + 1, "big", signed=True)


def value(type_name, v):
    if type_name in ("INT64", "TIMESTAMP_MICROS", "DATE"):
        return struct.pack(">q", int(v))
    if type_name == "BOOLEAN":
        return b"\x01" if v else b"\x00"
    if type_name == "FLOAT64":
        return struct.pack(">d", float(v))
    if type_name == "DECIMAL":
        d = decimal.Decimal(str(v))
        sign, digits, exponent = d.as_tuple()
        unscaled = int("".join(map(str, digits)) or "0")
        if sign:
            unscaled = -unscaled
        return struct.pack(">i", -exponent) + blob(signed_minimal(unscaled))
    if type_name == "STRING":
        return text(v)
    if type_name == "BYTES":
        return blob(bytes.fromhex(v))
    raise ValueError("type %s cannot hold a value (%r)" % (type_name, v))


def row(fields):
    out = [u32(len(fields))]
    for f in fields:
        out.append(text(f["name"]))
        out.append(bytes([TYPE_IDS[f["type"]]]))
        v = f.get("value")
        if v is None:
            out.append(b"\x00")
        else:
            out.append(b"\x01")
            out.append(value(f["type"], v))
    return b"".join(out)


def canonical_table_key(e, version=ENCODING_VERSION):
    return bytes([version]) + text(e.get("namespace", "")) + text(e["table"]) + row(e["key"])


def canonical_entry(e, version=ENCODING_VERSION):
    """The canonical entry encoding; its first byte is the digest version (the rest is the same in v1 and v2)."""
    return canonical_table_key(e, version) + row(e["row"])


def entry_hash_v1(enc):
    return hashlib.sha256(enc).digest()


def entry_hash_v2(enc):
    """schemas/state-digest-v2.md: XXH3-128(enc, seed 0) || XXH3-128(enc, seed 1), each 16 bytes big-endian."""
    try:
        import xxhash
    except ImportError:
        sys.exit("state digest v2 needs the xxhash module: apt-get install python3-xxhash (for /usr/bin/python3)")
    return xxhash.xxh3_128_digest(enc, seed=0) + xxhash.xxh3_128_digest(enc, seed=1)


def shard_hash_v1(encoding):
    """schemas/sharding-v1.md: the first 8 bytes of SHA-256, read as an unsigned big-endian integer."""
    return int.from_bytes(hashlib.sha256(encoding).digest()[:8], "big")


def shard_hash_v2(encoding):
    """schemas/sharding-v2.md: XXH3-64 with seed 0, as an unsigned integer (imported here: v1 stays stdlib-only)."""
    try:
        import xxhash
    except ImportError:
        sys.exit("sharding v2 needs the Python xxhash module: apt-get install -y python3-xxhash (Debian's "
                 "/usr/bin/python3), or pip install xxhash")
    return xxhash.xxh3_64_intdigest(encoding, seed=0)


SHARD_HASHES = {1: shard_hash_v1, 2: shard_hash_v2}


def shard_of(e, shards, version=1):
    """The entry's shard under S shards: H(canonical (table, key)) mod S, H of the sharding version."""
    return SHARD_HASHES[version](canonical_table_key(e)) % shards


def digest(entries, show=False, version=1):
    entry_hash = {1: entry_hash_v1, 2: entry_hash_v2}[version]
    lanes = [0, 0, 0, 0]
    for e in entries:
        enc = canonical_entry(e, version)
        h = entry_hash(enc)
        if show:
            print("entry %s.%s" % (e.get("namespace", ""), e["table"]))
            print("  encoding %s" % enc.hex())
            print("  %s %s" % ("sha256  " if version == 1 else "xxh3x2  ", h.hex()))
        for i in range(4):
            lanes[i] = (lanes[i] + int.from_bytes(h[8 * i:8 * i + 8], "big")) & MASK64
    return b"".join(l.to_bytes(8, "big") for l in lanes).hex()


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        state = json.load(f)
    if "--shards" in argv[2:]:
        shards = int(argv[argv.index("--shards") + 1])
        version = int(argv[argv.index("--sharding-version") + 1]) if "--sharding-version" in argv[2:] else 1
        if version not in SHARD_HASHES:
            print("unknown sharding version %d (known: 1, 2)" % version, file=sys.stderr)
            return 2
        for e in state["entries"]:
            if "--entries" in argv[2:]:
                enc = canonical_table_key(e)
                print("  encoding %s" % enc.hex())
                print("  hash     %016x" % SHARD_HASHES[version](enc))
            print("%s.%s %s %d" % (e.get("namespace", ""), e["table"], json.dumps([f.get("value") for f in e["key"]]),
                                   shard_of(e, shards, version)))
        return 0
    version = 1
    if "--digest-version" in argv[2:]:
        version = int(argv[argv.index("--digest-version") + 1])
        if version not in (1, 2):
            print("unknown --digest-version %d (known: 1, 2)" % version, file=sys.stderr)
            return 2
    print(digest(state["entries"], show="--entries" in argv[2:], version=version))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
