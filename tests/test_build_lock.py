"""One build at a time in a folder (issue 15, item 7): a second build stops at once with a plain
message and exit status 1, instead of dying halfway with FileExistsError."""

from __future__ import annotations

import os

import pytest
from conftest import GOOD_STORY, mkdocs_build
from test_site_pages import make_site

from voices.build.lock import BuildBusy, BuildLock

BUSY = (
    "another build is running in this folder (process {pid}); wait for it to finish, or stop it, "
    "then build again (the lock is .cache/build.lock)"
)


def test_a_second_lock_is_refused_until_the_first_is_released(tmp_path):
    first = BuildLock.take(tmp_path)
    with pytest.raises(BuildBusy) as busy:
        BuildLock.take(tmp_path)
    assert str(busy.value) == BUSY.format(pid=os.getpid())
    first.release()
    first.release()  # twice is harmless
    BuildLock.take(tmp_path).release()


def test_a_build_while_another_runs_stops_with_a_message(tiny):
    tiny.story("good", GOOD_STORY)
    root = make_site(tiny)
    held = BuildLock.take(root)  # as a running build holds it
    try:
        result = mkdocs_build(root / "mkdocs.yml", root / "site")
    finally:
        held.release()
    assert result.returncode == 1
    assert BUSY.format(pid=os.getpid()) in result.stderr
    assert "Traceback" not in result.stderr and "FileExistsError" not in result.stderr
    assert not (root / "site" / "index.html").exists()  # nothing was built
