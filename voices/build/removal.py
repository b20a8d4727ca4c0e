"""Remove a folder of many files while the build goes on.

MkDocs empties the site folder before every build, one file at a time: about 6 s for 10,000
stories, before anything else can happen; the parts kept for the search index take 2 s more to
remove once Pagefind is done. Renaming a folder is instant; a separate process then deletes it
while the build runs, and the build waits for it only at its end.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

_REMOVE = "import shutil, sys\nfor path in sys.argv[1:]: shutil.rmtree(path, True)"


class BackgroundRemoval:
    """``folder``, renamed beside itself and being removed; ``wait()`` at the end of the build.
    With ``recreate`` an empty folder takes its place at once."""

    def __init__(self, folder: Path, recreate: bool = False) -> None:
        self._process: subprocess.Popen | None = None
        # Left by a build that was killed before it could remove them.
        self.removing = sorted(folder.parent.glob(f".{folder.name}.old-*"))
        try:
            if folder.is_dir() and not folder.is_symlink() and any(folder.iterdir()):
                moved = folder.with_name(f".{folder.name}.old-{os.getpid()}")
                folder.rename(moved)  # same parent, so same file system: a rename, never a copy
                self.removing.append(moved)
                if recreate:
                    folder.mkdir()
        except OSError:  # a mount point, say
            if not recreate:
                shutil.rmtree(folder, ignore_errors=True)  # removed here and now instead
        if self.removing:
            self._process = subprocess.Popen(
                [sys.executable, "-c", _REMOVE, *map(str, self.removing)]
            )

    def wait(self) -> None:
        """Wait until the folder is gone."""
        if self._process is not None:
            self._process.wait()
            self._process = None
        for path in self.removing:
            shutil.rmtree(path, ignore_errors=True)  # in case the process could not
        self.removing = []
