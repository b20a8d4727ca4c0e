"""Benchmark the search at scale: build N generated stories, index them with Pagefind, and
measure what a visitor's first search costs.

Usage: python scripts/bench_search.py [N]   (default 10000)

Prints: build time and peak memory of the whole build (MkDocs + Pagefind, one process tree),
Pagefind's own indexing time and peak memory, index size, and the bytes the browser fetches
for a first query on the search page (Chromium; responses as served, uncompressed, plus the
gzip size a host like GitHub Pages would send). Numbers only; nothing is asserted.
"""

from __future__ import annotations

import gzip
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
from bench_validate import write_corpus  # noqa: E402

SUB_PATH = "voices-of-big-local"
QUERY = "garden"  # a word some stories have and most do not, as a real query would be


def peak_child_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def prepare(root: Path, count: int) -> None:
    write_corpus(root, count)
    for name in ("hooks", "docs"):
        shutil.rmtree(root / name, ignore_errors=True)
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    (root / "urls.txt").unlink(missing_ok=True)
    config = (root / "mkdocs.yml").read_text(encoding="utf-8").replace("  - voices\n", "")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")


def first_query_bytes(site_parent: Path, query: str) -> tuple[int, int, int, list[tuple[int, str]]]:
    """(requests, bytes as served, bytes gzipped) for loading the search page with a query."""
    from playwright.sync_api import sync_playwright

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(site_parent)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sizes: list[tuple[int, int]] = []
    named: list[tuple[int, str]] = []
    executable = next((p for p in ("/usr/bin/chromium", os.environ.get("VOICES_CHROMIUM")) if p and Path(p).exists()), None)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        page = browser.new_page()

        def record(response):
            try:
                body = response.body()
            except Exception:  # noqa: BLE001 - a redirect or aborted response has no body
                return
            compressed = len(gzip.compress(body, 6))
            sizes.append((len(body), compressed))
            named.append((compressed, response.url.split(SUB_PATH, 1)[-1]))

        page.on("response", record)
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/{SUB_PATH}/search/?q={query}")
        page.wait_for_function("/ results? /.test(document.getElementById('voices-search-status').textContent)"
                               " && document.querySelectorAll('#voices-search-results li').length > 0", timeout=60000)
        page.wait_for_load_state("networkidle")
        browser.close()
    server.shutdown()
    server.server_close()
    return len(sizes), sum(s for s, _ in sizes), sum(g for _, g in sizes), sorted(named, reverse=True)


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "archive"
        root.mkdir()
        prepare(root, count)
        site = Path(folder) / "served" / SUB_PATH
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml"),
                                 "-d", str(site)], capture_output=True, text=True, env=env, check=False)
        build_seconds = time.perf_counter() - started
        build_peak = peak_child_rss_mb()
        if result.returncode != 0:
            print(result.stderr[-3000:])
            return 1
        summary = next((line for line in result.stderr.splitlines() if "Published" in line), "")
        # The build's peak is that of its largest process: MkDocs, or Pagefind (run from it).
        # Pagefind alone, again, to see its own time and memory.
        from voices.search import build_index

        report = build_index(site)
        requests, served, gzipped, named = first_query_bytes(site.parent, QUERY)
        results = {
            "stories": count, "cores": os.cpu_count(),
            "build_seconds": round(build_seconds, 1), "build_peak_mb": round(build_peak),
            "pagefind_seconds": round(report.seconds, 1),
            "pagefind_peak_mb": report.peak_mb,
            "index_mb": round(report.bytes / 1e6, 1), "pages_indexed": report.pages,
            "first_query_requests": requests, "first_query_kb": round(served / 1024),
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
