"""Shared by the benchmarks: a throwaway archive of generated stories with the real site
configuration, and what a visitor's first search costs on a built site.

- ``prepare(root, count)``: the corpus from make_corpus.py plus the repository's docs/, hooks/
  and mkdocs.yml (no urls.txt: every address is new).
- ``first_query_bytes(site_parent, query)``: serve the site under ``/SUB_PATH/`` (as on GitHub
  Pages), open the search page with a query in Chromium, and add up every response.
"""

from __future__ import annotations

import gzip
import os
import shutil
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from make_corpus import write_corpus

SUB_PATH = "voices-of-big-local"  # the site is served under a sub-path, as on GitHub Pages
QUERY = "garden"  # an everyday word: many results, so the browser fetches a full page of them


def prepare(root: Path, count: int) -> None:
    """An archive of ``count`` generated stories in ``root``, with the real site configuration."""
    write_corpus(root, count)
    for name in ("hooks", "docs"):
        shutil.rmtree(root / name, ignore_errors=True)
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    (root / "urls.txt").unlink(missing_ok=True)
    # The core package is installed, not beside the copy: nothing to watch there.
    config = (root / "mkdocs.yml").read_text(encoding="utf-8").replace("  - voices\n", "")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")


def chromium() -> str | None:
    """Debian's Chromium, or the one VOICES_CHROMIUM names; None when there is none."""
    return next(
        (
            p
            for p in (os.environ.get("VOICES_CHROMIUM"), "/usr/bin/chromium")
            if p and Path(p).exists()
        ),
        None,
    )


def first_query_bytes(
    site_parent: Path, query: str = QUERY
) -> tuple[int, int, int, list[tuple[int, str]]]:
    """(requests, bytes as served, bytes gzipped, [(gzip bytes, path)] largest first) for loading
    the search page with a query until its results are shown."""
    from playwright.sync_api import sync_playwright

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(site_parent)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sizes: list[tuple[int, int]] = []
    named: list[tuple[int, str]] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
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
            page.wait_for_function(
                "/ results? /.test(document.getElementById('voices-search-status').textContent)"
                " && document.querySelectorAll('#voices-search-results li').length > 0",
                timeout=120000,
            )
            page.wait_for_load_state("networkidle")
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return (
        len(sizes),
        sum(s for s, _ in sizes),
        sum(g for _, g in sizes),
        sorted(named, reverse=True),
    )
