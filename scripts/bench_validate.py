"""Benchmark: how long `voices check` takes on N generated stories (target: 10,000 in under 5 s).

Usage: python scripts/bench_validate.py [N]   (default 10000)

Stories are generated into a temporary copy of the archive, spread over the real areas and
themes, with realistic front matter and ~800-word bodies. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from voices.content.loading import load_archive

WORDS = [
    "community",
    "residents",
    "partnership",
    "hub",
    "volunteers",
    "funding",
    "legacy",
    "local",
    "trust",
    "big",
    "people",
    "confidence",
    "skills",
    "group",
    "meeting",
    "plan",
    "money",
    "space",
    "youth",
    "club",
    "transport",
]
# A long tail of rarer words, as real text has: each story draws a few of them.
RARE = [
    f"{a}{b}"
    for a in (
        "allot",
        "bake",
        "canal",
        "dance",
        "ferry",
        "garden",
        "heron",
        "kiln",
        "lantern",
        "mural",
        "orchard",
        "pantry",
        "quilt",
        "repair",
        "swim",
        "theatre",
        "walk",
    )
    for b in ("", "s", "ing", "er", "ers", "ed")
]


def write_corpus(root: Path, count: int, seed: int = 2012) -> None:
    rng = random.Random(seed)
    for name in ("archive.yml", "taxonomy.yml"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "areas", root / "areas")
    (root / "docs").mkdir()
    stories = root / "stories"
    stories.mkdir()
    areas = sorted(p.stem for p in (ROOT / "areas").glob("*.md"))
    themes = [
        "community-spirit",
        "culture-and-creativity",
        "environment",
        "local-economies",
        "organising-and-deciding",
        "power-and-leadership",
        "skills",
        "spaces-and-services",
    ]
    for index in range(count):
        rare = rng.sample(RARE, 3)
        body = "\n\n".join(
            " ".join(
                rng.choice(WORDS) if rng.random() > 0.03 else rng.choice(rare) for _ in range(100)
            )
            for _ in range(8)
        )
        people = index % 5 == 0
        text = (
            "---\n"
            f"title: Example story number {index}\n"
            f"date: {2012 + index % 14}-{1 + index % 12:02d}-{1 + index % 28:02d}\n"
            f"summary: An example summary for generated story {index}, used only to measure the validator.\n"
            f"areas: [{rng.choice(areas)}]\n"
            f"themes: [{rng.choice(themes)}, {rng.choice(themes)}]\n"
            f"kind: {'interview' if people else 'story'}\n"
            "authors: [Example Author]\n"
            + (
                f"people: [Example Person]\nconsent:\n  recorded: 2024-05-01\n  reference: VBL-2024-{index:05d}\n"
                "  scope: [web, archive]\n"
                if people
                else ""
            )
            + "source_url: https://example.org/story\n"
            "---\n\n## A heading\n\n" + body + "\n"
        )
        (stories / f"example-story-{index}.md").write_text(text, encoding="utf-8")


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_corpus(root, count)
        load_archive(root)  # warm the disk cache, as CI's checkout would be
        started = time.perf_counter()
        archive, problems = load_archive(root)
        elapsed = time.perf_counter() - started
    print(f"cores: {os.cpu_count()}  python: {sys.version.split()[0]}")
    print(
        f"stories: {len(archive.stories)}  areas: {len(archive.areas)}  problems: {len(problems)}"
    )
    print(
        f"load and validate: {elapsed:.2f} s  ({elapsed / count * 1e6:.0f} µs per story; target < 5 s at 10,000)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
