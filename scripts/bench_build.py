"""Benchmark the whole build at scale: generated corpora of N stories, built from a clean state.

Usage:
  python scripts/bench_build.py [--sizes 1000,5000,10000] [--hugo] [--json OUT]
                                [--no-search] [--save-site DIR | --compare-with DIR]
                                [--check-rebuild] [--keep DIR] [--repeat N]

For each N: a fresh archive in a temporary folder (make_corpus.py's N stories plus the
repository's real stories, areas, taxonomy, settings, docs/, hooks/ and mkdocs.yml; committed
to a throwaway git repository so page dates come from git, as in CI; no urls.txt), then

- ``voices check`` and a cold ``mkdocs build --strict`` (no site, no image or render cache;
  with ``--repeat N``, N cold builds and the median reported), each in a subprocess: wall
  time, the build's phases (from its summary line), peak memory of the process tree (sampled
  from /proc) and of its largest process;
- the site's size, the median and largest story page, and the bytes a browser fetches for a
  first search (Chromium via Playwright, gzip as a host would send it);
- a rebuild after editing one story, with the image and render caches warm; with
  ``--check-rebuild``, then a build without the render cache, compared with it file by file;
- with ``--hugo``: the same stories as a plain Hugo site (templates written here, no theme),
  ``hugo`` then Pagefind, timed, and the ratio ours / (Hugo + Pagefind).

Then the marginal cost per story between sizes, an estimate of merge-to-live on a 4-core
GitHub-hosted runner (assumptions printed), and the targets met or missed. ``--json`` writes it
all. ``--save-site DIR`` keeps the first size's cold-built site; ``--compare-with DIR`` builds the
first size and compares every file with a saved site byte for byte (for checking a speed-up).
Numbers only: nothing here is a test. Timings are noisy on a shared machine (load is printed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
from bench_site import QUERY, SUB_PATH, chromium, first_query_bytes, prepare
from make_corpus import slug_of, status_of

from voices.build.caches import IMAGE_CACHE
from voices.build.render_cache import RENDER_CACHE

MB = 1_000_000
ENV = {
    **os.environ,
    "NO_MKDOCS_2_WARNING": "1",
    "GIT_AUTHOR_DATE": "2026-03-31T12:00:00Z",
    "GIT_COMMITTER_DATE": "2026-03-31T12:00:00Z",
}  # fixed commit dates: the same N builds the same site
_PHASES = re.compile(r"Phases: (.*?)\.\s*$", re.MULTILINE)

# Merge-to-live on GitHub Actions: what is not measured here is assumed, and printed as such.
RUNNER_CORES = 4  # GitHub-hosted ubuntu-latest for public repositories
ASSUMED = {
    "queue and runner start": 20.0,
    "checkout (full history, for page dates)": 15.0,
    "restore pip and image caches": 10.0,
    "install from the lock, wheels cached": 35.0,
    "push to gh-pages (scripts/publish-gh-pages), fixed part": 10.0,
    "GitHub Pages publishes the branch": 30.0,
}
UPLOAD_MB_PER_S = 40.0  # tar + upload of the site artifact

TARGETS = {
    "build_vs_hugo_pagefind": 2.0,
    "marginal_cost_ratio": 1.1,
    "merge_to_live_minutes": 10.0,
    "peak_memory_mb": 2000.0,
    "story_page_kb": 40.0,
    "first_search_kb_gzip": 300.0,
}


@dataclass
class Measured:
    seconds: float
    peak_tree_mb: float  # all processes of the build at once (sampled)
    peak_process_mb: float  # the largest single process
    phases: dict[str, float] = field(default_factory=dict)
    output: str = ""


@dataclass
class SizeResult:
    stories: int
    stories_published: int
    load: tuple[float, float]
    check_seconds: float
    build: Measured
    rebuild: Measured | None = None
    site_mb: float = 0.0
    site_files: int = 0
    story_page_median_kb: float = 0.0
    story_page_max_kb: float = 0.0
    story_page_max: str = ""
    image_cache_mb: float = 0.0
    render_cache_mb: float = 0.0
    first_search: dict | None = None
    hugo: dict | None = None
    cold_runs: list[float] = field(default_factory=list)  # seconds of each cold build (--repeat)


# --- measuring a process tree ----------------------------------------------------------------


def _children(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo += parents.get(current, [])
    return tree


def _memory_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process in KB; zeros when it has gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0, 0
    values = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.MULTILINE))
    return int(values.get("VmRSS", 0)), int(values.get("VmHWM", 0))


def run_measured(command: list[str], cwd: Path, interval: float = 0.2) -> Measured:
    """Run a command; wall time and peak memory of it and its descendants, sampled from /proc."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    peaks = {"tree": 0, "process": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            memory = [_memory_kb(pid) for pid in _children(process.pid)]
            peaks["tree"] = max(peaks["tree"], sum(rss for rss, _ in memory))
            peaks["process"] = max([peaks["process"], *(hwm for _, hwm in memory)])
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = process.communicate()[0]
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{output[-4000:]}")
    phases = {}
    if match := _PHASES.search(output):
        for part in match.group(1).split(", "):
            name, _, value = part.rpartition(" ")[0].rpartition(" ")
            phases[name] = float(value)
    return Measured(seconds, peaks["tree"] / 1024, peaks["process"] / 1024, phases, output)


# --- one size --------------------------------------------------------------------------------


def make_archive(root: Path, count: int) -> None:
    """The corpus, the real stories beside it (areas link to them), committed to git."""
    prepare(root, count)
    for source in (ROOT / "stories").iterdir():
        if not source.name.startswith(("_", ".")):
            copy = shutil.copytree if source.is_dir() else shutil.copy
            copy(source, root / "stories" / source.name)
    (root / ".gitignore").write_text(".cache/\nsite/\n", encoding="utf-8")
    git = [
        "git",
        "-C",
        str(root),
        "-c",
        "user.name=Benchmark",
        "-c",
        "user.email=bench@example.org",
    ]
    subprocess.run([*git, "init", "-q"], check=True, env=ENV)
    subprocess.run([*git, "add", "-A"], check=True, env=ENV)
    subprocess.run([*git, "commit", "-q", "-m", "corpus"], check=True, env=ENV)


def story_page_sizes(site: Path, count: int) -> list[tuple[int, str]]:
    """(bytes, slug) of every published generated story's page."""
    sizes = []
    for index in range(count):
        if status_of(index) == "published":
            page = site / "stories" / slug_of(index) / "index.html"
            sizes.append((page.stat().st_size, slug_of(index)))
    return sorted(sizes)


def edit_one_story(root: Path) -> Path:
    """Append a paragraph to a published story, as a correction would."""
    path = root / "stories" / f"{slug_of(1)}.md"
    if not path.is_file():
        path = root / "stories" / slug_of(1) / "index.md"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\nA sentence added to measure a rebuild after one edit.\n")
    return path


def tree_size(folder: Path) -> tuple[int, int]:
    files = [f.stat().st_size for f in folder.rglob("*") if f.is_file()]
    return sum(files), len(files)


def bench_size(count: int, work: Path, args: argparse.Namespace) -> SizeResult:
    root = work / "archive"
    root.mkdir(parents=True)
    print(f"\n== {count} stories: writing the corpus ...", flush=True)
    make_archive(root, count)
    load_before = os.getloadavg()
    python = str(Path(sys.executable))
    check = run_measured([python, "-m", "voices", "check"], root)
    site = work / "served" / SUB_PATH  # served under a sub-path, as on GitHub Pages
    print(f"   check {check.seconds:.1f} s; cold build ...", flush=True)
    builds = []
    for attempt in range(args.repeat):
        if attempt:  # cold again: no site, no image or render cache
            shutil.rmtree(site, ignore_errors=True)
            shutil.rmtree(root / ".cache", ignore_errors=True)
        builds.append(
            run_measured([python, "-m", "mkdocs", "build", "--strict", "-d", str(site)], root)
        )
    build = sorted(builds, key=lambda b: b.seconds)[
        len(builds) // 2
    ]  # the median run, phases and all
    runs = (
        f" (median of {', '.join(f'{b.seconds:.1f}' for b in builds)})" if len(builds) > 1 else ""
    )
    print(
        f"   cold build {build.seconds:.1f} s{runs}, peak {build.peak_tree_mb:.0f} MB", flush=True
    )
    site_bytes, site_files = tree_size(site)
    pages = story_page_sizes(site, count)
    published = len(pages)
    result = SizeResult(
        count,
        published,
        (0, 0),
        check.seconds,
        build,
        site_mb=site_bytes / MB,
        site_files=site_files,
        story_page_median_kb=statistics.median(s for s, _ in pages) / 1024,
        story_page_max_kb=pages[-1][0] / 1024,
        story_page_max=pages[-1][1],
        image_cache_mb=tree_size(root / IMAGE_CACHE)[0] / MB,
        render_cache_mb=tree_size(root / RENDER_CACHE)[0] / MB,
        cold_runs=[round(b.seconds, 2) for b in builds],
    )
    if args.save_site:
        shutil.rmtree(args.save_site, ignore_errors=True)
        shutil.copytree(site, args.save_site)
        print(f"   site saved to {args.save_site}")
    if args.compare_with:
        differences = compare_sites(Path(args.compare_with), site)
        print(
            f"   compared with {args.compare_with}: "
            + (
                "identical: every file byte for byte (Pagefind's filter files in any order)"
                if not differences
                else f"{len(differences)} difference(s)"
            )
        )
        for line in differences[:30]:
            print("     " + line)
        args.differences = differences
    if not args.no_search:
        result.first_search = measure_first_search(site)
    print("   rebuild after editing one story ...", flush=True)
    edit_one_story(root)
    result.rebuild = run_measured(
        [python, "-m", "mkdocs", "build", "--strict", "-d", str(site)], root
    )
    print(f"   rebuild {result.rebuild.seconds:.1f} s", flush=True)
    if args.check_rebuild:
        check_rebuild(root, site, args)
    if args.hugo:
        result.hugo = bench_hugo(root, work / "hugo")
    result.load = (round(load_before[0], 2), round(os.getloadavg()[0], 2))
    result.build.output = result.rebuild.output = ""  # kept out of the JSON
    return result


def check_rebuild(root: Path, site: Path, args: argparse.Namespace) -> None:
    """Build the edited archive again without the render cache and compare: a rebuild that
    reused pages must give the site a cold build gives."""
    rebuilt = site.parent.parent / "rebuilt"
    shutil.copytree(site, rebuilt)
    shutil.rmtree(root / RENDER_CACHE)
    run_measured(
        [str(Path(sys.executable)), "-m", "mkdocs", "build", "--strict", "-d", str(site)], root
    )
    differences = compare_sites(rebuilt, site)
    print(
        "   rebuild against a build without the render cache: "
        + (
            "identical: every file byte for byte (Pagefind's filter files in any order)"
            if not differences
            else f"{len(differences)} difference(s)"
        )
    )
    for line in differences[:30]:
        print("     " + line)
    args.differences = [*getattr(args, "differences", []), *differences]
    shutil.rmtree(rebuilt)


def measure_first_search(site: Path) -> dict | None:
    if chromium() is None:
        print("   no Chromium (set VOICES_CHROMIUM): first-search bytes not measured")
        return None
    try:
        requests, served, gzipped, named = first_query_bytes(site.parent, QUERY)
    except Exception as error:  # noqa: BLE001 - a benchmark reports, never stops, on a browser failure
        print(f"   first search not measured: {error}")
        return None
    return {
        "query": QUERY,
        "requests": requests,
        "kb": round(served / 1024, 1),
        "kb_gzip": round(gzipped / 1024, 1),
        "largest": [{"kb_gzip": round(size / 1024, 1), "path": path} for size, path in named[:8]],
    }


# Pagefind writes its filter and metadata files with their entries in a varying order (two runs
# over the same site differ), and names them by a hash of their bytes; the entry file lists the
# names. These are compared by content regardless of order: same files, same bytes, any order.
_UNORDERED = re.compile(r"^pagefind/(filter/[^/]+\.pf_filter|[^/]+\.pf_meta|pagefind-entry\.json)$")


def _unordered_signature(site: Path, paths: set[str]) -> list[bytes]:
    import gzip

    signatures = []
    for path in sorted(paths):
        data = (site / path).read_bytes()
        if not path.endswith(".json"):
            data = gzip.decompress(data)
        data = re.sub(rb"_[0-9a-f]{7,}", b"_#", data)  # the hashed names of the files
        signatures.append(bytes(sorted(data)))
    return sorted(signatures)


def compare_sites(before: Path, after: Path) -> list[str]:
    """Every file missing, added or different between two built sites (Pagefind's filter and
    metadata files: by content in any order, see _UNORDERED)."""
    differences = []
    old = {p.relative_to(before).as_posix() for p in before.rglob("*") if p.is_file()}
    new = {p.relative_to(after).as_posix() for p in after.rglob("*") if p.is_file()}
    old_unordered = {p for p in old if _UNORDERED.match(p)}
    new_unordered = {p for p in new if _UNORDERED.match(p)}
    if _unordered_signature(before, old_unordered) != _unordered_signature(after, new_unordered):
        differences.append("differs: Pagefind's filter or metadata files (compared in any order)")
    old, new = old - old_unordered, new - new_unordered
    differences += [f"only before: {path}" for path in sorted(old - new)]
    differences += [f"only after: {path}" for path in sorted(new - old)]
    differences += [
        f"differs: {path}"
        for path in sorted(old & new)
        if not filecmp.cmp(before / path, after / path, shallow=False)
    ]
    return differences


# --- Hugo, for comparison --------------------------------------------------------------------

HUGO_CONFIG = """\
baseURL = "https://example.org/voices-of-big-local/"
languageCode = "en-gb"
title = "Voices of Big Local (Hugo comparison)"
paginate = 50
[taxonomies]
  theme = "themes"
  place = "places"
  programme = "programmes"
  kind = "kinds"
  year = "years"
[markup.goldmark.renderer]
  unsafe = false
"""
HUGO_BASEOF = """\
<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ site.Title }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ .Summary | plainify }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}"></head>
<body>
<header><a href="{{ "" | relURL }}">{{ site.Title }}</a>
<nav><a href="{{ "stories/" | relURL }}">Stories</a> <a href="{{ "areas/" | relURL }}">Areas</a>
<a href="{{ "themes/" | relURL }}">Themes</a> <a href="{{ "years/" | relURL }}">Timeline</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer>Generated example content for a benchmark.</footer>
</body>
</html>
"""
HUGO_SINGLE = """\
{{ define "main" }}
<article data-pagefind-body>
{{ range .Params.places }}<span hidden data-pagefind-filter="area">{{ . }}</span>{{ end }}
{{ range .Params.themes }}<span hidden data-pagefind-filter="theme">{{ . }}</span>{{ end }}
{{ range .Params.years }}<span hidden data-pagefind-filter="year">{{ . }}</span>{{ end }}
{{ range .Params.kinds }}<span hidden data-pagefind-filter="kind">{{ . }}</span>{{ end }}
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time></p>
<ul>{{ range .GetTerms "places" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}
{{ range .GetTerms "themes" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
{{ with .Resources.GetMatch "photo.jpg" }}
{{ $w4 := .Resize "480x webp q80" }}{{ $w9 := .Resize "960x webp q80" }}
{{ $j4 := .Resize "480x jpg q82" }}{{ $j9 := .Resize "960x jpg q82" }}
<picture><source type="image/webp" srcset="{{ $w4.RelPermalink }} 480w, {{ $w9.RelPermalink }} 960w">
<img src="{{ $j9.RelPermalink }}" srcset="{{ $j4.RelPermalink }} 480w, {{ $j9.RelPermalink }} 960w"
 width="{{ $j9.Width }}" height="{{ $j9.Height }}" alt="{{ $.Params.image_alt }}"></picture>
{{ end }}
<p>{{ .Description }}</p>
{{ .Content }}
</article>
{{ end }}
"""
HUGO_LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006" }}</li>{{ end }}</ul>
{{ template "_internal/pagination.html" . }}
{{ end }}
"""
_STORY_LINK = re.compile(r"\]\((story|area):([a-z0-9-]+)(#[^)\s]*)?\)")


def hugo_site(root: Path, hugo: Path) -> int:
    """Write the archive's published stories and areas as a plain Hugo site; returns pages written."""
    import yaml

    from voices.content.loading import load_archive

    archive, _ = load_archive(root)
    (hugo / "layouts" / "_default").mkdir(parents=True)
    (hugo / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in (("baseof", HUGO_BASEOF), ("single", HUGO_SINGLE), ("list", HUGO_LIST)):
        (hugo / "layouts" / "_default" / f"{name}.html").write_text(text, encoding="utf-8")

    def relative(body: str, depth: str) -> str:
        return _STORY_LINK.sub(
            lambda m: (
                f"]({depth}{'stories' if m.group(1) == 'story' else 'areas'}/{m.group(2)}/"
                f"{m.group(3) or ''})"
            ),
            body,
        )

    written = 0
    for story in archive.stories.values():
        meta = story.meta
        if meta.status == "withdrawn":
            continue
        date = meta.date + "-01" * (2 - meta.date.count("-"))
        front = {
            "title": meta.title,
            "date": date,
            "description": meta.summary,
            "draft": meta.status == "draft",
            "themes": meta.themes,
            "places": meta.areas,
            "programmes": [meta.programme],
            "kinds": [meta.kind],
            "years": [meta.date[:4]],
            "aliases": meta.aliases,
        }
        if meta.image:
            front["image_alt"] = meta.image.alt
        text = (
            "---\n"
            + yaml.safe_dump(front, allow_unicode=True)
            + "---\n\n"
            + relative(story.body, "../../")
        )
        if meta.image:
            bundle = hugo / "content" / "stories" / story.slug
            bundle.mkdir(parents=True, exist_ok=True)
            shutil.copy(story.folder / meta.image.src, bundle / "photo.jpg")
            (bundle / "index.md").write_text(text, encoding="utf-8")
        else:
            target = hugo / "content" / "stories" / f"{story.slug}.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        written += 1
    for area in archive.areas.values():
        front = {"title": area.meta.name, "description": area.meta.summary or ""}
        target = hugo / "content" / "areas" / f"{area.slug}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            "---\n"
            + yaml.safe_dump(front, allow_unicode=True)
            + "---\n\n"
            + relative(area.body, "../../"),
            encoding="utf-8",
        )
        written += 1
    return written


def bench_hugo(root: Path, hugo: Path) -> dict | None:
    binary = shutil.which("hugo")
    if binary is None:
        print("   hugo is not installed (Debian: apt-get install hugo): comparison skipped")
        return None
    pages = hugo_site(root, hugo)
    print(f"   Hugo: {pages} pages written; hugo ...", flush=True)
    built = run_measured([binary, "--quiet", "--destination", "public"], hugo)
    shutil.rmtree(hugo / "public" / "pagefind", ignore_errors=True)
    indexed = run_measured(
        [sys.executable, "-m", "pagefind", "--site", "public", "--output-subdir", "pagefind"], hugo
    )
    html_pages = sum(1 for _ in (hugo / "public").rglob("*.html"))
    return {
        "hugo_seconds": round(built.seconds, 2),
        "pagefind_seconds": round(indexed.seconds, 2),
        "total_seconds": round(built.seconds + indexed.seconds, 2),
        "peak_mb": round(max(built.peak_tree_mb, indexed.peak_tree_mb)),
        "html_pages": html_pages,
        "site_mb": round(tree_size(hugo / "public")[0] / MB, 1),
    }


# --- what the numbers mean -------------------------------------------------------------------


def marginal(results: list[SizeResult]) -> dict | None:
    """Seconds per extra story between the first two and the last two sizes, and their ratio."""
    if len(results) < 3:
        return None
    a, b, c = results[0], results[-2], results[-1]
    first = (b.build.seconds - a.build.seconds) / (b.stories - a.stories)
    second = (c.build.seconds - b.build.seconds) / (c.stories - b.stories)
    return {
        "from": a.stories,
        "via": b.stories,
        "to": c.stories,
        "ms_per_story_first": round(first * 1000, 2),
        "ms_per_story_second": round(second * 1000, 2),
        "ratio": round(second / first, 2) if first > 0 else None,
    }


def merge_to_live(result: SizeResult) -> dict:
    """Minutes from merge to deployed site on a GitHub-hosted runner, from the measured phases."""
    steps = dict(ASSUMED)
    cores = os.cpu_count() or 1
    steps[f"voices check + cold build (measured here on {cores} cores, not scaled)"] = round(
        result.check_seconds + result.build.seconds, 1
    )
    steps["push to gh-pages, site size"] = round(result.site_mb / UPLOAD_MB_PER_S, 1)
    return {
        "stories": result.stories,
        "steps_seconds": steps,
        "minutes": round(sum(steps.values()) / 60, 1),
        "assumptions": (
            f"a {RUNNER_CORES}-core GitHub-hosted runner whose cores are as fast as this machine's; "
            f"the build is taken as measured on {cores} cores, though the runner converts pages "
            f"and encodes photos on {RUNNER_CORES} (Pagefind 1.4 works mostly on one core either "
            "way), and images come from actions/cache there, while a cold build here encodes "
            "them all: so this errs high; queue, checkout, install, upload and deploy times are "
            "typical values, not measured"
        ),
    }


def targets(results: list[SizeResult], ratio: dict | None, live: dict | None) -> list[dict]:
    largest = results[-1]
    rows = []

    def row(name: str, value: float | None, target: float, unit: str) -> None:
        rows.append(
            {
                "target": name,
                "value": value,
                "limit": target,
                "unit": unit,
                "met": None if value is None else value <= target,
            }
        )

    if largest.hugo:
        row(
            f"cold build / (Hugo + Pagefind) at {largest.stories}",
            round(largest.build.seconds / largest.hugo["total_seconds"], 2),
            TARGETS["build_vs_hugo_pagefind"],
            "×",
        )
    row(
        "marginal cost per story, second span / first span",
        ratio["ratio"] if ratio else None,
        TARGETS["marginal_cost_ratio"],
        "×",
    )
    row(
        f"merge to live at {largest.stories} (estimate)",
        live["minutes"] if live else None,
        TARGETS["merge_to_live_minutes"],
        "min",
    )
    row(
        f"peak memory of the build at {largest.stories}",
        round(largest.build.peak_tree_mb),
        TARGETS["peak_memory_mb"],
        "MB",
    )
    row(
        "largest story page",
        round(max(r.story_page_max_kb for r in results), 1),
        TARGETS["story_page_kb"],
        "KB",
    )
    searched = [r.first_search["kb_gzip"] for r in results if r.first_search]
    row(
        "first search, transferred (gzip)",
        max(searched) if searched else None,
        TARGETS["first_search_kb_gzip"],
        "KB",
    )
    return rows


def versions() -> dict[str, str]:
    from importlib.metadata import version

    found = {"python": platform.python_version()}
    for name in (
        "mkdocs",
        "mkdocs-material",
        "markdown",
        "pymdown-extensions",
        "pillow",
        "pagefind",
    ):
        try:
            found[name] = version(name)
        except Exception:  # noqa: BLE001 - a missing package is reported as such
            found[name] = "not installed"
    try:
        found["pagefind binary"] = subprocess.run(
            [sys.executable, "-m", "pagefind", "--version"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        pass
    hugo = shutil.which("hugo")
    found["hugo"] = (
        subprocess.run([hugo, "version"], capture_output=True, text=True, check=False).stdout.split(
            " "
        )[1]
        if hugo
        else "not installed"
    )
    return found


def machine() -> dict:
    memory = (
        re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
        if Path("/proc/meminfo").exists()
        else None
    )
    cpu = (
        re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
        if Path("/proc/cpuinfo").exists()
        else None
    )
    return {
        "cores": os.cpu_count(),
        "cpu": cpu.group(1) if cpu else platform.processor(),
        "memory_gb": round(int(memory.group(1)) / 1e6, 1) if memory else None,
        "system": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def report(results: list[SizeResult], info: dict) -> None:
    m = info["machine"]
    print(
        f"\nMachine: {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB, load {m['load_average']}, {m['date']}"
    )
    print("Versions: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()))
    phase_names = list(dict.fromkeys(name for r in results for name in r.build.phases))
    header = [
        "stories",
        "check",
        "build",
        *phase_names,
        "peak MB",
        "site MB",
        "page med KB",
        "page max KB",
        "search KB",
        "rebuild",
    ]
    if any(r.hugo for r in results):
        header += ["hugo", "pagefind", "ratio"]
    rows = []
    for r in results:
        row = [
            str(r.stories),
            f"{r.check_seconds:.1f}",
            f"{r.build.seconds:.1f}",
            *(f"{r.build.phases.get(n, 0):.1f}" for n in phase_names),
            f"{r.build.peak_tree_mb:.0f}",
            f"{r.site_mb:.0f}",
            f"{r.story_page_median_kb:.1f}",
            f"{r.story_page_max_kb:.1f}",
            f"{r.first_search['kb_gzip']:.0f}" if r.first_search else "-",
            f"{r.rebuild.seconds:.1f}" if r.rebuild else "-",
        ]
        if any(x.hugo for x in results):
            row += (
                [
                    f"{r.hugo['hugo_seconds']:.1f}",
                    f"{r.hugo['pagefind_seconds']:.1f}",
                    f"{r.build.seconds / r.hugo['total_seconds']:.2f}",
                ]
                if r.hugo
                else ["-"] * 3
            )
        rows.append(row)
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    print(
        "\nSeconds unless marked (phases as the build reports them; 'build' is the whole cold build):"
    )
    print("  " + "  ".join(h.rjust(w) for h, w in zip(header, widths)))
    for row in rows:
        print("  " + "  ".join(c.rjust(w) for c, w in zip(row, widths)))
    for r in results:
        if r.first_search:
            top = ", ".join(f"{x['path']} {x['kb_gzip']}" for x in r.first_search["largest"][:4])
            print(
                f"  first search at {r.stories}: {r.first_search['requests']} requests, {r.first_search['kb']} KB "
                f"as served, {r.first_search['kb_gzip']} KB gzip; largest: {top}"
            )
        print(
            f"  largest process at {r.stories}: {r.build.peak_process_mb:.0f} MB; largest story page: "
            f"{r.story_page_max}; image cache {r.image_cache_mb:.1f} MB; render cache {r.render_cache_mb:.1f} MB; load {r.load[0]} → {r.load[1]}"
        )
    if info["marginal"]:
        g = info["marginal"]
        print(
            f"\nMarginal cost: {g['ms_per_story_first']} ms/story from {g['from']} to {g['via']}, "
            f"{g['ms_per_story_second']} ms/story from {g['via']} to {g['to']}: ratio {g['ratio']}"
        )
    if info["merge_to_live"]:
        live = info["merge_to_live"]
        print(f"\nMerge to live at {live['stories']} stories, estimated {live['minutes']} min:")
        for step, seconds in live["steps_seconds"].items():
            print(f"  {seconds:7.1f} s  {step}")
        print(f"  Assumptions: {live['assumptions']}.")
    print("\nTargets:")
    for t in info["targets"]:
        verdict = "n/a" if t["met"] is None else "met" if t["met"] else "MISSED"
        print(
            f"  {verdict:>6}  {t['target']}: {t['value']} {t['unit']} (limit {t['limit']} {t['unit']})"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000,10000", help="comma-separated story counts")
    parser.add_argument(
        "--hugo", action="store_true", help="also build the corpus with Hugo + Pagefind"
    )
    parser.add_argument("--json", type=Path, help="write every number to this file")
    parser.add_argument(
        "--no-search", action="store_true", help="skip the first-search measurement (Chromium)"
    )
    parser.add_argument("--save-site", type=Path, help="keep the first size's cold-built site here")
    parser.add_argument(
        "--compare-with", type=Path, help="compare the first size's site with one saved before"
    )
    parser.add_argument(
        "--check-rebuild",
        action="store_true",
        help="after the rebuild, build again without the render cache and compare the sites",
    )
    parser.add_argument(
        "--keep", type=Path, help="work in this folder and keep it (archive, site, Hugo site)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="cold builds per size; the median is reported (a shared machine's noise)",
    )
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if args.save_site or args.compare_with:
        sizes = sizes[:1]
    info = {"machine": machine(), "versions": versions()}
    results = []
    for count in sizes:
        if args.keep:
            work = args.keep / str(count)
            shutil.rmtree(work, ignore_errors=True)
            results.append(bench_size(count, work, args))
            continue
        with tempfile.TemporaryDirectory(prefix=f"bench-{count}-") as folder:
            results.append(bench_size(count, Path(folder), args))
    info["marginal"] = marginal(results)
    info["merge_to_live"] = merge_to_live(results[-1])
    info["targets"] = targets(results, info["marginal"], info["merge_to_live"])
    info["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    report(results, info)
    if args.json:
        args.json.write_text(
            json.dumps({**info, "results": [asdict(r) for r in results]}, indent=2) + "\n",
            encoding="utf-8",
        )
        print(f"\nWritten to {args.json}")
    return 1 if getattr(args, "differences", None) else 0


if __name__ == "__main__":
    sys.exit(main())
