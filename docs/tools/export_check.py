#!/usr/bin/env python3
"""Checks `bin/snapdelta local --export-dir DIR` against a model of the capture that shares no code with snapdelta.

The model applies the capture's Debezium JSON records in file order, last writer wins per (table, key), a delete
removing the key. That is the database's final state only for a clean capture in commit order without duplicates
or stale versions (e.g. one written by `bin/snapdelta bench generate`); for others compare with the database's own
ground truth instead. Values compare as text, as the export writes them (NULL and the empty string both read as
an empty field here). Usage:

    python3 docs/tools/export_check.py CAPTURE.jsonl[.zst] EXPORT_DIR

Prints each table's row count and "equal" or the first differing rows; exits 1 on any difference.
"""
import csv
import io
import json
import os
import subprocess
import sys
from collections import Counter


def records(path):
    if path.endswith('.zst'):
        proc = subprocess.Popen(['zstdcat', path], stdout=subprocess.PIPE)
        yield from io.TextIOWrapper(proc.stdout, encoding='utf-8')
        if proc.wait() != 0:
            sys.exit(f'zstdcat {path} failed')
    else:
        with open(path, encoding='utf-8') as f:
            yield from f


def text(value):
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


def main(capture, export_dir):
    state, columns, events = {}, {}, 0
    for line in records(capture):
        record = json.loads(line)
        value = record['value']
        if value is None:  # a Kafka tombstone after a delete
            continue
        events += 1
        table = value['source']['table']
        rows = state.setdefault(table, {})
        key = json.dumps(record['key'], sort_keys=True)
        if value['op'] == 'd':
            rows.pop(key, None)
        else:
            rows[key] = value['after']
            columns.setdefault(table, list(value['after'].keys()))
    print(f'{events:,} events; model rows per table: ' + ', '.join(f'{t} {len(r):,}' for t, r in state.items()))
    differences = 0
    for table, rows in state.items():
        path = os.path.join(export_dir, table + '.csv')
        if not os.path.exists(path):
            print(f'{table}: no {path}')
            differences += 1
            continue
        with open(path, newline='', encoding='utf-8') as f:
            reader = csv.reader(f)
            header = next(reader)
            exported = Counter(tuple(r) for r in reader)
        if header != columns[table]:
            print(f'{table}: header {header}, the capture has {columns[table]}')
            differences += 1
            continue
        model = Counter(tuple(text(row[c]) for c in header) for row in rows.values())
        if model == exported:
            print(f'{table}: equal, {sum(model.values()):,} rows')
        else:
            differences += 1
            print(f'{table}: DIFFERENT: {sum(exported.values()):,} rows exported, {sum(model.values()):,} in the model; '
                  f'model only {list((model - exported).items())[:3]}, export only {list((exported - model).items())[:3]}')
    return 1 if differences else 0


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
