"""Clear the previous build's site out of the way at once, and remove it while the build runs.

MkDocs empties the site folder before every build, one file at a time: about 6 s for 10,000
stories, before anything else can happen. Renaming the folder is instant; a separate process
then deletes it while the new site is built, and the build waits for it only at its end.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


class OldSite:
    """The previous site, renamed beside ``site_dir`` and being removed; ``wait()`` at the end."""

    def __init__(self, site_dir: Path) -> None:
        self._process: subprocess.Popen | None = None
        # Left by a build that was killed before it could remove them.
        self.removing = sorted(site_dir.parent.glob(f".{site_dir.name}.old-*"))
        try:
            if site_dir.is_dir() and not site_dir.is_symlink() and any(site_dir.iterdir()):
                moved = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
                site_dir.rename(moved)  # same parent, so same file system: a rename, never a copy
                site_dir.mkdir()
                self.removing.append(moved)
        except OSError:
            pass  # a mount point, say: MkDocs empties it as usual
        if self.removing:
            self._process = subprocess.Popen(
                [sys.executable, "-c", "import shutil, sys\nfor path in sys.argv[1:]: shutil.rmtree(path, True)",
                 *map(str, self.removing)])

    def wait(self) -> None:
        """Wait until the old site is gone."""
        if self._process is not None:
            self._process.wait()
            self._process = None
        for path in self.removing:
            shutil.rmtree(path, ignore_errors=True)  # in case the process could not
        self.removing = []
