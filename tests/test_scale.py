"""Checks whose cost must not grow with the square of the archive (found by scripts/bench_build.py)."""

from __future__ import annotations

import time

from voices.content.links import link_problems


def test_checking_links_does_not_rebuild_the_set_of_stories_for_each_link() -> None:
    stories = {f"story-{i}" for i in range(100_000)}
    aliases = {"old-name": "story-1"}
    body = "[a](story:story-7) [b](story:old-name) [c](area:par-bay) [d](story:story-99999)\n"
    started = time.perf_counter()
    for _ in range(1_000):
        assert link_problems(body, "stories/x.md", 1, stories, {"par-bay"}, aliases) == []
    # One union of 100,000 slugs per link took seconds here; lookups take milliseconds.
    assert time.perf_counter() - started < 1.0
    problems = link_problems("[gone](story:gone)", "stories/x.md", 1, stories, {"par-bay"}, aliases)
    assert [p.message for p in problems] == ["links to story:gone, which does not exist"]
