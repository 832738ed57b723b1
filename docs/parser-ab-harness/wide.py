# wide.py [OUT]: a synthetic Debezium capture with wider rows: two tables of 20 columns (ints, strings, a timestamp, nulls),
# updates changing 3 random columns; same envelope/source layout as the pgbench capture.
import json, random, sys
random.seed(5)
def row(t, id_):
    r = {"id": id_}
    for c in range(1, 20):
        if c % 4 == 0: r[f"{t}_s{c}"] = "v" + str(random.randint(0, 50)) + "-" + "x" * random.randint(0, 20)
        elif c % 7 == 0: r[f"{t}_n{c}"] = None
        elif c == 5: r[f"{t}_ts{c}"] = 1795584133926451 + random.randint(0, 10**9)
        else: r[f"{t}_i{c}"] = random.randint(-100000, 10**7)
    return r
rows = {t: {i: row(t, i) for i in range(1, 2001)} for t in ("orders", "items")}
lsn = 80000000; ts = 1795584133926
out = open(sys.argv[1] if len(sys.argv) > 1 else 'wide.jsonl', 'w')
for n in range(40000):
    t = "orders" if n % 3 else "items"
    i = random.randint(1, 2000)
    before = dict(rows[t][i]); after = dict(before)
    for c in random.sample([k for k in after if k != "id"], 3):
        v = after[c]
        after[c] = (v + random.randint(1, 999)) if isinstance(v, int) else ("w" + str(random.randint(0, 9999)) if isinstance(v, str) else None)
    rows[t][i] = after
    lsn += random.randint(50, 300)
    if n % 4 == 0: ts += random.randint(0, 3)
    src = {"version":"3.6.1.Final","connector":"postgresql","name":"bench","ts_ms":ts,"snapshot":"false","db":"shop",
           "sequence":json.dumps([str(lsn-100), str(lsn)]),"ts_us":ts*1000+417,"ts_ns":(ts*1000+417)*1000,"schema":"public","table":t,
           "txId":9000+n//4,"lsn":lsn,"xmin":None,"origin":None,"origin_lsn":None}
    rec = {"key":{"id":i},"value":{"before":before,"after":after,"source":src,"transaction":None,"op":"u","ts_ms":ts+5000,"ts_us":(ts+5000)*1000+n,"ts_ns":((ts+5000)*1000+n)*1000+7}}
    out.write(json.dumps(rec, separators=(',',':')) + "\n")
