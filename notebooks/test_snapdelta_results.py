"""Tests of snapdelta_results.py: values read equal the committed JSON's, goal checks on both sides of each
threshold. Run: /usr/bin/python3 -m unittest discover -s notebooks -p 'test_*.py' (Maven runs it too:
bench's NotebookResultsModulePythonTest)."""

import json
import math
import os
import tempfile
import unittest
from pathlib import Path

import snapdelta_results as sr

COMMITTED = sr.DEFAULT_RESULTS_DIR


def raw(name):
    path = COMMITTED / f"{name}.json"
    if not path.is_file():
        raise AssertionError(f"the committed result {path} is missing; it is part of the repository")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class ResultsDirectoryTest(unittest.TestCase):
    def test_default_is_the_committed_latest_directory(self):
        self.assertEqual(COMMITTED, sr.results_dir({}))
        self.assertEqual(Path(__file__).resolve().parent / "results" / "latest", sr.results_dir({}))

    def test_relative_env_path_is_taken_from_the_repository_root(self):
        self.assertEqual(sr.REPO_ROOT / "notebooks" / "results" / "other",
                         sr.results_dir({sr.RESULTS_ENV: "notebooks/results/other"}))

    def test_absolute_env_path_is_used_as_is(self):
        self.assertEqual(Path("/tmp/runs/x"), sr.results_dir({sr.RESULTS_ENV: "/tmp/runs/x"}))


class CommittedResultsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.results = sr.load(COMMITTED)
        cls.bw, cls.job, cls.parse = raw("bandwidth"), raw("job"), raw("parse")

    def test_all_three_files_load_and_equal_the_json(self):
        self.assertEqual([], self.results.missing)
        self.assertEqual(self.bw, self.results.bandwidth)
        self.assertEqual(self.job, self.results.job)
        self.assertEqual(self.parse, self.results.parse)

    def test_bytes_per_change_table_holds_the_baselines_default_and_every_codec(self):
        t = sr.bytes_per_change_table(self.results.bandwidth).set_index("what")["bytes_per_change"]
        self.assertEqual(self.bw["debezium_json_zstd3_bytes_per_change"], t["Debezium JSON + zstd -3"])
        self.assertEqual(self.bw["debezium_json_gzip6_bytes_per_change"], t["Debezium JSON + gzip -6"])
        self.assertEqual(self.bw["snapdelta_bytes_per_change"], t["snapdelta, default settings"])
        self.assertTrue(self.bw["snapdelta_by_codec"], "the committed bandwidth run has no per-codec results")
        for codec, v in self.bw["snapdelta_by_codec"].items():
            self.assertEqual(v, t[f"snapdelta, codec {codec}"])

    def test_sections_table_equals_the_json_sections(self):
        t = sr.sections_table(self.results.bandwidth)
        self.assertEqual(self.bw["snapdelta_streamed_bytes_per_change_by_section"],
                         dict(zip(t["section"], t["bytes_per_change"])))
        self.assertAlmostEqual(1.0, t["share"].sum())

    def test_sweep_table_has_one_cell_per_sweep_row(self):
        t = sr.sweep_table(self.results.bandwidth)
        self.assertTrue(self.bw["sweep"], "the committed bandwidth run has no sweep")
        for row in self.bw["sweep"]:
            self.assertEqual(row["snapdelta_bytes_per_change"], t.loc[row["shards"], row["batch_changes"]])
        self.assertEqual(len(self.bw["sweep"]), t.notna().sum().sum())

    def test_speeds_table_equals_the_json_speeds(self):
        t = sr.speeds_table(self.results.bandwidth).set_index("what")
        self.assertEqual(self.bw["encode_changes_per_cpu_s"], t.loc["encode (per-shard pipeline)", "changes_per_cpu_s"])
        self.assertEqual(self.bw["decode_apply_changes_per_s"], t.loc["decode + apply", "changes_per_s_wall"])
        self.assertEqual(self.bw["zstd3_debezium_changes_per_cpu_s"],
                         t.loc["zstd -3 over Debezium JSON", "changes_per_cpu_s"])

    def test_job_tables_equal_the_json(self):
        t = sr.job_throughput_table(self.results.job).set_index("field")["changes_per_s"]
        self.assertEqual(self.job["job_changes_per_s"], t["job_changes_per_s"])
        self.assertEqual(self.job["parse_only_changes_per_s"], t["parse_only_changes_per_s"])
        cpu = sr.job_cpu_table(self.results.job)
        self.assertEqual(self.job["job_cpu_seconds_by_thread_group"], cpu["measured run"].to_dict())
        lat = sr.latency_table(self.results.job).set_index("ms")
        self.assertEqual(self.job["latency_p50_ms"], lat.loc["Kafka append -> committed batch visible", "p50"])
        self.assertEqual(self.job["latency_p99_ms"], lat.loc["Kafka append -> committed batch visible", "p99"])

    def test_parse_ratio_is_computed_from_the_two_rates(self):
        self.assertAlmostEqual(self.parse["parser_events_per_s"] / self.parse["tree_model_events_per_s"],
                               sr.parse_ratio(self.results.parse))
        self.assertAlmostEqual(self.parse["ratio"], sr.parse_ratio(self.results.parse), places=3)

    def test_every_goal_has_a_verdict_on_the_committed_results(self):
        goals = sr.check_goals(self.results)
        self.assertEqual(len(sr.GOALS), len(goals))
        self.assertEqual([2, 3, 4], sorted(set(goals["issue"])))
        undecided = goals[goals["met"].isna()]
        self.assertTrue(undecided.empty, f"goals without a verdict: {undecided[['goal', 'note']].to_dict('records')}")

    def test_job_goal_verdicts_agree_with_the_benchmarks_own(self):
        own = self.job.get("goals_met")
        self.assertTrue(own, "job.json has no goals_met")
        goals = sr.check_goals(self.results).set_index("goal")["met"]
        self.assertEqual(own["job_at_least_half_parse_only"], goals["job vs parse only"])
        self.assertEqual(own["job_at_least_150000_per_core"], goals["job throughput"])
        self.assertEqual(own["p99_under_500_ms"], goals["latency p99"])

    def test_committed_results_are_verified_and_consistent(self):
        self.assertEqual([], sr.validity_problems(self.results))


def verdict(name, doc):
    goal = next(g for g in sr.GOALS if g.name == name)
    return sr.check_goal(goal, doc)["met"]


class GoalThresholdTest(unittest.TestCase):
    """Synthetic documents on each side of each threshold (and on it, where the issue's wording decides)."""

    def test_parser_must_be_at_least_three_times_the_tree_model(self):
        self.assertTrue(verdict("parser vs tree model", {"parser_events_per_s": 300, "tree_model_events_per_s": 100}))
        self.assertFalse(verdict("parser vs tree model", {"parser_events_per_s": 299, "tree_model_events_per_s": 100}))

    def test_parse_rate_must_be_at_least_300000(self):
        self.assertTrue(verdict("parse rate", {"parser_events_per_s": 300_000}))
        self.assertFalse(verdict("parse rate", {"parser_events_per_s": 299_999}))

    def test_bytes_per_change_must_be_at_most_2_5(self):
        self.assertTrue(verdict("bytes per change", {"snapdelta_bytes_per_change": 2.5}))
        self.assertTrue(verdict("bytes per change", {"snapdelta_bytes_per_change": 1.9}))
        self.assertFalse(verdict("bytes per change", {"snapdelta_bytes_per_change": 2.501}))

    def test_encode_must_reach_one_million_per_cpu_second(self):
        self.assertTrue(verdict("encode speed", {"encode_changes_per_cpu_s": 1_000_000}))
        self.assertFalse(verdict("encode speed", {"encode_changes_per_cpu_s": 999_999, "encode_changes_per_s": 5e6}))

    def test_decode_must_reach_two_million_per_cpu_second(self):
        self.assertTrue(verdict("decode speed", {"decode_apply_changes_per_cpu_s": 2_000_001}))
        self.assertFalse(verdict("decode speed", {"decode_apply_changes_per_cpu_s": 1_999_999}))

    def test_job_must_reach_half_the_parse_only_rate(self):
        self.assertTrue(verdict("job vs parse only", {"job_changes_per_s": 50, "parse_only_changes_per_s": 100}))
        self.assertFalse(verdict("job vs parse only", {"job_changes_per_s": 49, "parse_only_changes_per_s": 100}))

    def test_job_must_reach_150000_per_core(self):
        self.assertTrue(verdict("job throughput", {"job_changes_per_s": 150_000}))
        self.assertFalse(verdict("job throughput", {"job_changes_per_s": 149_999}))

    def test_latency_p99_must_be_strictly_under_500_ms_at_the_goal_rate(self):
        self.assertTrue(verdict("latency p99", {"latency_p99_ms": 499, "rate": 20000}))
        self.assertFalse(verdict("latency p99", {"latency_p99_ms": 500, "rate": 20000}))
        self.assertFalse(verdict("latency p99", {"latency_p99_ms": 800, "rate": 25000}))

    def test_latency_below_the_goal_rate_gets_no_verdict(self):
        goal = next(g for g in sr.GOALS if g.name == "latency p99")
        row = sr.check_goal(goal, {"latency_p99_ms": 100, "rate": 1000})
        self.assertIsNone(row["met"])
        self.assertIn("20000", row["note"])

    def test_thresholds_read_as_the_issues_write_them(self):
        rows = {g.name: sr.check_goal(g, {})["threshold"] for g in sr.GOALS}
        self.assertEqual("<= 2.5", rows["bytes per change"])
        self.assertEqual(">= 1,000,000", rows["encode speed"])
        self.assertEqual("< 500", rows["latency p99"])

    def test_missing_file_or_field_gets_no_verdict_and_says_why(self):
        goal = next(g for g in sr.GOALS if g.name == "bytes per change")
        self.assertEqual("bandwidth.json missing", sr.check_goal(goal, None)["note"])
        row = sr.check_goal(goal, {"streamed_changes": 1})
        self.assertIsNone(row["met"])
        self.assertIn("not in bandwidth.json", row["note"])


class MissingAndBadFilesTest(unittest.TestCase):
    def test_a_directory_with_one_file_loads_it_and_names_the_others_missing(self):
        with tempfile.TemporaryDirectory() as d:
            Path(d, "parse.json").write_text(json.dumps({"parser_events_per_s": 400000, "tree_model_events_per_s": 100000}))
            r = sr.load(Path(d))
            self.assertEqual(["bandwidth", "job"], r.missing)
            self.assertIn("bench bandwidth", r.missing_message("bandwidth"))
            goals = sr.check_goals(r).set_index("goal")
            self.assertTrue(goals.loc["parser vs tree model", "met"])
            self.assertTrue(all(v is None for v in goals[goals["issue"] != 2]["met"]))

    def test_invalid_json_is_an_error_naming_the_file(self):
        with tempfile.TemporaryDirectory() as d:
            Path(d, "job.json").write_text("{\"job_changes_per_s\": ")
            with self.assertRaises(sr.ResultsError) as e:
                sr.load(Path(d))
            self.assertIn("job.json", str(e.exception))

    def test_a_run_without_sweep_or_latency_has_no_such_table(self):
        self.assertIsNone(sr.sweep_table({"sweep": []}))
        self.assertIsNone(sr.latency_table({"job_changes_per_s": 1}))

    def test_an_unverified_bandwidth_run_is_reported(self):
        r = sr.Results(directory=Path("."), bandwidth={"verified": False})
        self.assertTrue(any("verified" in p for p in sr.validity_problems(r)))


if __name__ == "__main__":
    unittest.main()
