"""A build that is stopped or killed leaves no fork of it running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = """
import time
from voices.build.forks import in_forks
in_forks([1, 2], lambda share: time.sleep(120) or "", workers=2)
"""


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] not in "ZX"
    except (FileNotFoundError, IndexError):
        return False


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's"
)
def test_a_killed_build_takes_its_forks_with_it() -> None:
    parent = subprocess.Popen([sys.executable, "-c", SCRIPT])
    try:
        deadline = time.monotonic() + 30
        while not (children := _children(parent.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert children, "the work was never shared out"
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10
        while any(_alive(child) for child in children) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(child) for child in children), (
            "a fork kept running after its build was killed"
        )
    finally:
        parent.kill()
        for child in _children(parent.pid) if _alive(parent.pid) else []:
            os.kill(child, signal.SIGKILL)
