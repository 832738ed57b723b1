"""Load, tabulate and judge the JSON that `bin/snapdelta bench bandwidth|job|parse --json` write.

The notebook `snapdelta-benchmarks.ipynb` is a thin view over this module, so everything it shows can be
tested without Jupyter (`test_snapdelta_results.py`). Nothing here types in a measured number: every value
comes from the result files, and every goal verdict is computed from them against the targets of issues
2, 3 and 4 (the `GOALS` table below quotes each target's wording).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

import pandas as pd

NOTEBOOKS_DIR = Path(__file__).resolve().parent
REPO_ROOT = NOTEBOOKS_DIR.parent
DEFAULT_RESULTS_DIR = NOTEBOOKS_DIR / "results" / "latest"
RESULTS_ENV = "SNAPDELTA_RESULTS"

# The three benchmarks: result file name -> the command that writes it.
BENCHMARKS = {
    "bandwidth": "bin/snapdelta bench bandwidth --input FILE --json bandwidth.json",
    "job": "bin/snapdelta bench job --input FILE --json job.json",
    "parse": "bin/snapdelta bench parse --input FILE --json parse.json",
}


class ResultsError(Exception):
    """A result file exists but cannot be used (not JSON, not an object)."""


def results_dir(environ: Optional[Dict[str, str]] = None) -> Path:
    """The directory named by $SNAPDELTA_RESULTS (absolute, or relative to the repository root), else
    notebooks/results/latest. Relative paths are taken from the repository root because Jupyter runs a
    notebook's kernel in the notebook's own directory, whatever directory the user started it from."""
    env = os.environ if environ is None else environ
    named = env.get(RESULTS_ENV, "").strip()
    if not named:
        return DEFAULT_RESULTS_DIR
    p = Path(named).expanduser()
    return p if p.is_absolute() else (REPO_ROOT / p)


def load_json(path: Path) -> Optional[dict]:
    """The JSON object in `path`, or None when the file does not exist."""
    if not path.is_file():
        return None
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except json.JSONDecodeError as e:
        raise ResultsError(f"{path}: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})") from e
    if not isinstance(doc, dict):
        raise ResultsError(f"{path}: expected a JSON object at the top level, found {type(doc).__name__}")
    return doc


@dataclass
class Results:
    """The result documents of one directory; a benchmark whose file is absent is None."""

    directory: Path
    bandwidth: Optional[dict] = None
    job: Optional[dict] = None
    parse: Optional[dict] = None
    missing: List[str] = field(default_factory=list)

    def get(self, bench: str) -> Optional[dict]:
        return getattr(self, bench)

    def missing_message(self, bench: str) -> str:
        return (f"{bench}.json is not in {self.directory}: this part is skipped. Write it with "
                f"`{BENCHMARKS[bench]}` (see notebooks/README.md).")


def load(directory: Optional[Path] = None) -> Results:
    """Reads bandwidth.json, job.json and parse.json from `directory` (default: `results_dir()`)."""
    d = Path(directory) if directory is not None else results_dir()
    r = Results(directory=d)
    for bench in BENCHMARKS:
        doc = load_json(d / f"{bench}.json")
        setattr(r, bench, doc)
        if doc is None:
            r.missing.append(bench)
    return r


def _require(doc: dict, key: str, where: str):
    if key not in doc:
        raise ResultsError(f"{where}: field '{key}' is missing")
    return doc[key]


# ---- tables -------------------------------------------------------------------------------------------

def bytes_per_change_table(bw: dict) -> pd.DataFrame:
    """Bytes per streamed change: Debezium JSON baselines beside snapdelta at default settings and per codec."""
    rows = []
    if "debezium_json_raw_bytes_per_change" in bw:
        rows.append(("Debezium JSON raw (key + value)", "baseline", bw["debezium_json_raw_bytes_per_change"]))
    rows.append(("Debezium JSON + zstd -3", "baseline", _require(bw, "debezium_json_zstd3_bytes_per_change", "bandwidth.json")))
    rows.append(("Debezium JSON + gzip -6", "baseline", _require(bw, "debezium_json_gzip6_bytes_per_change", "bandwidth.json")))
    rows.append(("snapdelta, default settings", "snapdelta", _require(bw, "snapdelta_bytes_per_change", "bandwidth.json")))
    for codec, v in (bw.get("snapdelta_by_codec") or {}).items():
        rows.append((f"snapdelta, codec {codec}", "snapdelta", v))
    df = pd.DataFrame(rows, columns=["what", "kind", "bytes_per_change"])
    zstd3 = bw["debezium_json_zstd3_bytes_per_change"]
    df["times_smaller_than_debezium_zstd3"] = [zstd3 / v if v else math.nan for v in df["bytes_per_change"]]
    return df


def sections_table(bw: dict) -> Optional[pd.DataFrame]:
    """Where the default run's streamed bytes go, bytes per streamed change by section (None if not reported)."""
    sections = bw.get("snapdelta_streamed_bytes_per_change_by_section")
    if not sections:
        return None
    df = pd.DataFrame(list(sections.items()), columns=["section", "bytes_per_change"])
    total = df["bytes_per_change"].sum()
    df["share"] = df["bytes_per_change"] / total if total else math.nan
    return df


def sweep_table(bw: dict) -> Optional[pd.DataFrame]:
    """Shards x batch size -> snapdelta bytes per streamed change (None when the run had no sweep)."""
    sweep = bw.get("sweep")
    if not sweep:
        return None
    df = pd.DataFrame(sweep)
    return df.pivot(index="shards", columns="batch_changes", values="snapdelta_bytes_per_change")


def speeds_table(bw: dict) -> pd.DataFrame:
    """Encode and decode+apply beside zstd -3 over the Debezium bytes: changes per second over wall time and
    per CPU second of the measuring thread (the per-core rate)."""
    rows = [
        ("encode (per-shard pipeline)", "encode_changes_per_s", "encode_changes_per_cpu_s"),
        ("decode + apply", "decode_apply_changes_per_s", "decode_apply_changes_per_cpu_s"),
        ("zstd -3 over Debezium JSON", "zstd3_debezium_changes_per_s", "zstd3_debezium_changes_per_cpu_s"),
    ]
    out = []
    for what, wall, cpu in rows:
        out.append((what, _require(bw, wall, "bandwidth.json"), bw.get(cpu, math.nan)))
    return pd.DataFrame(out, columns=["what", "changes_per_s_wall", "changes_per_cpu_s"])


def job_throughput_table(job: dict) -> pd.DataFrame:
    """The job's throughput, every way the benchmark counts it, beside the parse-only rate of the same run."""
    rows = [
        ("job, whole measured run, per core (process CPU)", "job_changes_per_s"),
        ("job, steady part, per core (process CPU)", "job_changes_per_s_steady"),
        ("job, Flink task threads only, per CPU s", "job_changes_per_task_thread_cpu_s"),
        ("job, steady part, task threads only, per CPU s", "job_changes_per_task_thread_cpu_s_steady"),
        ("job, process CPU without the embedded broker", "job_changes_per_s_without_broker"),
        ("job, wall clock", "job_changes_per_s_wall"),
        ("job, first (cold) run, per core", "job_changes_per_s_cold"),
        ("parse only, same parser and bytes, 1 thread", "parse_only_changes_per_s"),
    ]
    out = [(what, key, job[key]) for what, key in rows if key in job]
    return pd.DataFrame(out, columns=["what", "field", "changes_per_s"])


def job_cpu_table(job: dict) -> Optional[pd.DataFrame]:
    """CPU seconds by thread group: whole measured run, its steady part, and the latency phase (as present)."""
    cols = {}
    if job.get("job_cpu_seconds_by_thread_group"):
        cols["measured run"] = job["job_cpu_seconds_by_thread_group"]
    steady = job.get("steady") or {}
    if steady.get("cpu_seconds_by_thread_group"):
        cols["steady part"] = steady["cpu_seconds_by_thread_group"]
    if job.get("latency_phase_cpu_seconds_by_thread_group"):
        cols["latency phase"] = job["latency_phase_cpu_seconds_by_thread_group"]
    if not cols:
        return None
    df = pd.DataFrame(cols)
    df.index.name = "thread group"
    return df


def latency_table(job: dict) -> Optional[pd.DataFrame]:
    """Latency percentiles in ms (None when the run had no latency phase)."""
    if "latency_p99_ms" not in job:
        return None
    rows = [
        ("Kafka append -> committed batch visible", "latency_p50_ms", "latency_p99_ms", "latency_max_ms"),
        ("  changes of unique versions", "latency_unique_version_p50_ms", "latency_unique_version_p99_ms",
         "latency_unique_version_max_ms"),
        ("append -> sealed", "append_to_sealed_p50_ms", "append_to_sealed_p99_ms", None),
        ("sealed -> visible (commit)", "sealed_to_visible_p50_ms", "sealed_to_visible_p99_ms", None),
    ]
    out = []
    for what, p50, p99, mx in rows:
        if p50 in job and p99 in job:
            out.append((what, job[p50], job[p99], job.get(mx, math.nan) if mx else math.nan))
    return pd.DataFrame(out, columns=["ms", "p50", "p99", "max"])


def parse_table(parse: dict) -> pd.DataFrame:
    rows = [
        ("snapdelta streaming parser", _require(parse, "parser_events_per_s", "parse.json")),
        ("Jackson tree model", _require(parse, "tree_model_events_per_s", "parse.json")),
    ]
    return pd.DataFrame(rows, columns=["parser", "events_per_s_per_core"])


def parse_ratio(parse: dict) -> float:
    """Parser rate over the tree model's, computed from the two rates (not read from the file's `ratio`)."""
    return parse["parser_events_per_s"] / parse["tree_model_events_per_s"]


# ---- goals --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Goal:
    issue: int
    name: str
    target: str  # the issue's words
    bench: str  # which result file
    measure: Callable[[dict], Optional[float]]  # the measured value from that file, None if not measured
    op: str  # '>=', '<=' or '<'
    threshold: float
    measured_as: str
    # Extra condition under which the measurement counts (e.g. latency at the goal's rate); returns a reason
    # why it does not, or None.
    applies: Callable[[dict], Optional[str]] = lambda doc: None


def _field(key: str) -> Callable[[dict], Optional[float]]:
    return lambda doc: doc.get(key)


def _ratio(num: str, den: str) -> Callable[[dict], Optional[float]]:
    def f(doc: dict) -> Optional[float]:
        if doc.get(num) is None or not doc.get(den):
            return None
        return doc[num] / doc[den]
    return f


LATENCY_GOAL_RATE = 20000


def _at_goal_rate(doc: dict) -> Optional[str]:
    rate = doc.get("rate")
    if rate is None:
        return "the run reports no rate"
    if rate < LATENCY_GOAL_RATE:
        return f"measured at --rate {rate:g}, the goal is at {LATENCY_GOAL_RATE}"
    return None


GOALS: List[Goal] = [
    Goal(2, "parser vs tree model", "at least 3 times the tree model", "parse",
         _ratio("parser_events_per_s", "tree_model_events_per_s"), ">=", 3.0,
         "parser_events_per_s / tree_model_events_per_s"),
    Goal(2, "parse rate", "at least 300,000 Debezium events per second per core", "parse",
         _field("parser_events_per_s"), ">=", 300_000, "parser_events_per_s"),
    Goal(3, "bytes per change", "at most 2.5 bytes per source change (streamed, default settings)", "bandwidth",
         _field("snapdelta_bytes_per_change"), "<=", 2.5, "snapdelta_bytes_per_change"),
    Goal(3, "encode speed", "encode + compress at least 1 million changes per second per core", "bandwidth",
         _field("encode_changes_per_cpu_s"), ">=", 1_000_000, "encode_changes_per_cpu_s"),
    Goal(3, "decode speed", "decode + apply at least 2 million changes per second per core", "bandwidth",
         _field("decode_apply_changes_per_cpu_s"), ">=", 2_000_000, "decode_apply_changes_per_cpu_s"),
    Goal(4, "job vs parse only", "at least half the parse-only rate", "job",
         _ratio("job_changes_per_s", "parse_only_changes_per_s"), ">=", 0.5,
         "job_changes_per_s / parse_only_changes_per_s"),
    Goal(4, "job throughput", "at least 150,000 changes per second per core", "job",
         _field("job_changes_per_s"), ">=", 150_000, "job_changes_per_s"),
    Goal(4, "latency p99", "p99 under 500 ms with exactly-once at a sustained --rate 20000", "job",
         _field("latency_p99_ms"), "<", 500, "latency_p99_ms", _at_goal_rate),
]

_OPS = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, "<": lambda a, b: a < b}


def _number(v: float) -> str:
    """1000000 -> '1,000,000', 2.5 -> '2.5'."""
    return f"{int(v):,}" if float(v).is_integer() else f"{v:g}"


def check_goal(goal: Goal, doc: Optional[dict]) -> dict:
    """One verdict: met is True / False, or None when the file or the value is missing or does not apply."""
    row = {"issue": goal.issue, "goal": goal.name, "target": goal.target, "measured_as": goal.measured_as,
           "threshold": f"{goal.op} {_number(goal.threshold)}", "measured": None, "met": None, "note": ""}
    if doc is None:
        row["note"] = f"{goal.bench}.json missing"
        return row
    value = goal.measure(doc)
    if value is None:
        row["note"] = f"not in {goal.bench}.json"
        return row
    row["measured"] = value
    reason = goal.applies(doc)
    if reason:
        row["note"] = reason
        return row
    row["met"] = bool(_OPS[goal.op](value, goal.threshold))
    return row


def check_goals(results: Results) -> pd.DataFrame:
    """Every goal of issues 2, 3 and 4 with its measured value and verdict."""
    return pd.DataFrame([check_goal(g, results.get(g.bench)) for g in GOALS])


def validity_problems(results: Results) -> List[str]:
    """What makes a result untrustworthy, as the benchmarks themselves report it."""
    p = []
    bw = results.bandwidth
    if bw is not None and bw.get("verified") is not True:
        p.append("bandwidth.json: verified is not true (decoded state or digests did not match the encoder's)")
    job = results.job
    if job is not None:
        if job.get("consistent") is False:
            p.append("job.json: consistent is false: " + "; ".join(job.get("problems") or []))
        if job.get("latency_sequence_gaps"):
            p.append(f"job.json: {job['latency_sequence_gaps']} sequence gaps in the latency run")
    return p


# ---- figures ------------------------------------------------------------------------------------------

FIGURES_ENV = "SNAPDELTA_FIGURES"


def figures_dir(environ: Optional[Dict[str, str]] = None) -> Path:
    """Where the notebook saves its charts as PNG: $SNAPDELTA_FIGURES, else the current directory (Jupyter
    runs the kernel in the notebook's directory, where nbconvert also writes the executed notebook)."""
    env = os.environ if environ is None else environ
    named = env.get(FIGURES_ENV, "").strip()
    return Path(named).expanduser() if named else Path.cwd()


def save_figure(fig, name: str) -> Path:
    """Saves a matplotlib figure as `<figures_dir>/<name>.png` and returns the path."""
    d = figures_dir()
    d.mkdir(parents=True, exist_ok=True)
    path = d / f"{name}.png"
    fig.savefig(path, dpi=110, bbox_inches="tight")
    return path
