"""The build benchmark (scripts/bench_build.py) keeps working and reports what the scale issue asks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
from bench_build import Measured, SizeResult, compare_sites, marginal


def test_a_small_run_reports_every_phase_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "bench_build.py"),
            "--sizes",
            "12",
            "--no-search",
            "--repeat",
            "2",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    run = data["results"][0]
    assert set(run["build"]["phases"]) >= {
        "load and validate",
        "assemble",
        "images",
        "render",
        "search index",
        "exports",
        "audit",
    }
    assert run["build"]["seconds"] > 0 and run["rebuild"]["seconds"] > 0
    assert (
        len(run["cold_runs"]) == 2 and round(run["build"]["seconds"], 2) in run["cold_runs"]
    )  # the median run
    assert run["build"]["peak_tree_mb"] > 20  # a Python process running MkDocs, at least
    assert 5 < run["story_page_median_kb"] <= run["story_page_max_kb"] < 200
    assert data["machine"]["cores"] >= 1 and data["versions"]["mkdocs"] == "1.6.1"
    assert "Targets:" in result.stdout and "largest story page" in result.stdout
    assert data["merge_to_live"]["minutes"] > 0


def test_comparing_sites_names_every_file_that_differs(tmp_path: Path) -> None:
    before, after = tmp_path / "before", tmp_path / "after"
    for site in (before, after):
        (site / "stories" / "a").mkdir(parents=True)
        (site / "stories" / "a" / "index.html").write_text("<p>same</p>", encoding="utf-8")
    assert compare_sites(before, after) == []
    (after / "stories" / "a" / "index.html").write_text("<p>changed</p>", encoding="utf-8")
    (after / "new.html").write_text("", encoding="utf-8")
    (before / "gone.html").write_text("", encoding="utf-8")
    assert compare_sites(before, after) == [
        "only before: gone.html",
        "only after: new.html",
        "differs: stories/a/index.html",
    ]


def test_marginal_cost_compares_the_two_spans() -> None:
    def result(stories: int, seconds: float) -> SizeResult:
        return SizeResult(stories, stories, (0, 0), 0.0, Measured(seconds, 0, 0))

    flat = marginal([result(1000, 20), result(5000, 100), result(10000, 200)])
    assert (
        flat["ms_per_story_first"] == 20
        and flat["ms_per_story_second"] == 20
        and flat["ratio"] == 1
    )
    growing = marginal([result(1000, 20), result(5000, 100), result(10000, 300)])
    assert growing["ratio"] == 2


def test_pagefind_files_written_in_a_varying_order_still_compare_equal(tmp_path: Path) -> None:
    import gzip

    before, after = tmp_path / "before", tmp_path / "after"
    for site, name, data in (
        (before, "en-gb_1234abc", b"pagefind_dcd area theme"),
        (after, "en-gb_9876fed", b"pagefind_dcd theme area"),
    ):
        (site / "pagefind" / "filter").mkdir(parents=True)
        (site / "pagefind" / "filter" / f"{name}.pf_filter").write_bytes(gzip.compress(data))
    assert compare_sites(before, after) == []
    (after / "pagefind" / "filter" / "en-gb_9876fed.pf_filter").write_bytes(
        gzip.compress(b"pagefind_dcd theme arex")
    )
    assert compare_sites(before, after) == [
        "differs: Pagefind's filter or metadata files (compared in any order)"
    ]
