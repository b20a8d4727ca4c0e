"""Benchmark the search at scale: build N generated stories, index them with Pagefind, and
measure what a visitor's first search costs. (scripts/bench_build.py measures the whole build;
both use the corpus of make_corpus.py and the helpers in bench_site.py.)

Usage: python scripts/bench_search.py [N]   (default 10000)

Prints: build time and peak memory of the whole build (MkDocs + Pagefind, one process tree),
Pagefind's own indexing time and peak memory, index size, and the bytes the browser fetches
for a first query on the search page (Chromium; responses as served, uncompressed, plus the
gzip size a host like GitHub Pages would send). Numbers only; nothing is asserted.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
from bench_site import QUERY, SUB_PATH, first_query_bytes, prepare


def peak_child_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "archive"
        root.mkdir()
        prepare(root, count)
        site = Path(folder) / "served" / SUB_PATH
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-d", str(site)],
            cwd=root,
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        build_seconds = time.perf_counter() - started
        build_peak = peak_child_rss_mb()
        if result.returncode != 0:
            print(result.stderr[-3000:])
            return 1
        summary = next((line for line in result.stderr.splitlines() if "Published" in line), "")
        # The build's peak is that of its largest process: MkDocs, or Pagefind (run from it).
        # Pagefind alone, again, to see its own time and memory.
        from voices.site.search import build_index

        report = build_index(site)
        requests, served, gzipped, named = first_query_bytes(site.parent, QUERY)
        results = {
            "stories": count,
            "cores": os.cpu_count(),
            "build_seconds": round(build_seconds, 1),
            "build_peak_mb": round(build_peak),
            "pagefind_seconds": round(report.seconds, 1),
            "pagefind_peak_mb": report.peak_mb,
            "index_mb": round(report.bytes / 1e6, 1),
            "pages_indexed": report.pages,
            "first_query_requests": requests,
            "first_query_kb": round(served / 1024),
            "first_query_kb_gzip": round(gzipped / 1024),
        }
    print(summary)
    print("largest transfers for the first search (gzip KB):")
    for size, url in named[:12]:
        print(f"  {size / 1024:7.1f}  {url}")
    for key, value in results.items():
        print(f"{key:>22}: {value}")
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
