"""Withdrawing a story: cut it down to the notice that stays at its address.

The repository is public, so committing is publishing: a withdrawn story's words, names and
pictures must not stay in any file. ``withdraw_story`` rewrites the story so that it keeps only
what the notice and the site's listings of addresses need, and deletes the files in its folder.
The validator's side is ``voices.content.validate.withdrawal_residue``: it reports a withdrawn story that
still holds content, so a withdrawal done by hand cannot leave anything behind unnoticed.
Neither can reach the repository's history or copies elsewhere; the lines ``withdraw_story``
returns say how (docs/guide/takedown.md has the full runbook).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from voices.build.caches import purge_stories
from voices.content.loading import story_entry
from voices.content.paths import STORIES_DIR, TAXONOMY_FILE
from voices.content.reading import parse_front_matter_file
from voices.content.taxonomy import load_taxonomy
from voices.content.validate import withdrawal_residue
from voices.site.addresses import story_slug

# What a withdrawn story keeps, in this order: enough for the notice (title, date), for the
# listings that count stories by area and theme, and the aliases so old addresses still
# lead to the notice. Everything else is content and goes.
KEPT_FIELDS = ("title", "date", "areas", "themes", "kind", "programme", "aliases")
GUIDE = "docs/guide/takedown.md"

_NOTICE_COMMENT = """\
# This story was withdrawn: its text, names, pictures and files were removed because the
# repository is public. Never restore them. See {guide}.
"""


class WithdrawError(Exception):
    """``voices withdraw`` was asked for something it cannot do; the message says why."""


def withdraw_story(
    root: Path, slug: str, reason: str, erase_title: bool = False, today: dt.date | None = None
) -> list[str]:
    """Withdraw story ``slug`` for ``reason`` (a slug from taxonomy.yml): keep only the fields
    of the notice, delete its body and every file of its folder. Returns the lines to show."""
    root = root.resolve()
    stories = root / STORIES_DIR
    entry, missing = story_entry(root, slug)
    if entry is None:
        raise WithdrawError(missing)
    taxonomy, problems = load_taxonomy(root / TAXONOMY_FILE, TAXONOMY_FILE)
    if taxonomy is None:
        raise WithdrawError(f"cannot read {TAXONOMY_FILE}; fix it first: {problems[0]}")
    reasons = [term.slug for term in taxonomy.withdrawal_reasons]
    if reason not in reasons:
        raise WithdrawError(
            f"“{reason}” is not a withdrawal reason; use one of: {', '.join(reasons)}"
        )
    parsed, problems = parse_front_matter_file(entry.file, entry.path)
    if parsed is None:
        raise WithdrawError(
            f"cannot read the story's front matter; fix it first, or withdraw it by "
            f"hand ({GUIDE}): {problems[0]}"
        )
    data = parsed.data
    if entry.folder is not None and (stories / f"{slug}.md").exists():
        raise WithdrawError(
            f"both {STORIES_DIR}/{slug}.md and {STORIES_DIR}/{slug}/ exist; keep one of them first"
        )

    earlier = data.get("withdrawn") if data.get("status") == "withdrawn" else None
    if earlier is not None:
        # A withdrawal done by hand may have left content behind (the validator says so and
        # points here): finish it. Only a clean withdrawn story is refused.
        residue = withdrawal_residue(
            data,
            entry.path,
            parsed.line_of,
            entry.folder,
            body=parsed.body,
            body_line=parsed.body_line,
        )
        if not residue:
            raise WithdrawError(
                f"{entry.path} is already withdrawn and holds nothing more to remove"
            )
    erase_title = erase_title or (isinstance(earlier, dict) and earlier.get("erase_title") is True)
    when = _earlier_date(earlier) or today or dt.date.today()

    removed = (["the body"] if parsed.body.strip() else []) + [
        str(key)
        for key in data
        if key not in KEPT_FIELDS + ("status", "withdrawn") or key == "title" and erase_title
    ]
    text = _notice(data, reason, erase_title, when)
    target = stories / f"{slug}.md"
    files: list[str] = []
    tracked = _tracked(root, entry.file)
    image_keys: list[str] = []
    if entry.folder is not None:
        files = sorted(
            file.relative_to(root).as_posix() for file in entry.folder.rglob("*") if file.is_file()
        )
        image_keys = _image_keys(
            root, files
        )  # before they go: the cached copies are named by their bytes
        _delete_folder(root, entry.folder)
    stories.mkdir(exist_ok=True)  # git rm also removes stories/ when that was its last story
    target.write_text(text, encoding="utf-8")
    if tracked:  # so the commit cannot leave the notice behind while taking the old files away
        _git(root, "add", "--", target.relative_to(root).as_posix())

    others = [file for file in files if file != entry.path]
    if others:
        removed.append(
            f"{len(others)} file{'s' if len(others) != 1 else ''} "
            f"({', '.join(PurePosixPath(file).name for file in others)})"
        )
    where = f"{entry.path} → {target.relative_to(root).as_posix()}" if entry.folder else entry.path
    purged = purge_stories(root, [slug, *_old_slugs(data.get("aliases"))], image_keys)
    lines = [
        f"withdrew {where}: only the notice is left",
        f"removed {', '.join(removed)}"
        if removed
        else "removed nothing: the story held no content",
        (
            f"removed its pages and photo copies from this computer's build caches (.cache/: {purged} "
            f"entr{'y' if purged == 1 else 'ies'}); delete the copies GitHub keeps too (step 2 of {GUIDE})"
        ),
        f"commit and publish this at once (a takedown can be deployed even when other content has "
        f"problems: see {GUIDE})",
    ]
    return lines + _history_advice(slug, files, data.get("aliases"))


def _notice(data: dict[Any, Any], reason: str, erase_title: bool, when: dt.date) -> str:
    """The withdrawn story's whole file: the kept fields and the withdrawn block, no body."""
    front: dict[str, Any] = {
        key: data[key]
        for key in KEPT_FIELDS
        if key in data and not (key == "title" and erase_title)
    }
    withdrawn: dict[str, Any] = {"date": when, "reason": reason}
    if erase_title:
        withdrawn["erase_title"] = True
    front |= {"status": "withdrawn", "withdrawn": withdrawn}
    # A wide line keeps a long title on one line, as staff would write it.
    dumped = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{_NOTICE_COMMENT.format(guide=GUIDE)}{dumped}---\n"


def _earlier_date(earlier: Any) -> dt.date | None:
    """The date of a withdrawal already recorded, which finishing it must not change."""
    value = earlier.get("date") if isinstance(earlier, dict) else None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _history_advice(slug: str, files: list[str], aliases: Any) -> list[str]:
    """How to purge what the working tree no longer holds but git history and forks still do."""
    # Files the story had under an earlier slug (its aliases) are in the history too.
    paths = files + [
        path
        for old in _old_slugs(aliases)
        for path in (f"{STORIES_DIR}/{old}/", f"{STORIES_DIR}/{old}.md")
    ]
    lines = [
        "the old content is still in the repository's history, and in any forks and clones; "
        f"to purge it (step by step in {GUIDE}):"
    ]
    if paths:
        lines.append(
            "  git filter-repo --invert-paths " + " ".join(f"--path {path}" for path in paths)
        )
    lines += [
        "  git filter-repo --replace-text phrases.txt   (for the names, quotes and title wherever else "
        "they were written; phrases.txt, kept outside the repository, lists them one a line)",
        "then git push --force to every branch and tag, ask everyone with a clone to clone again, "
        "and ask GitHub Support to remove cached views and pull-request refs of the old commits",
    ]
    return lines


def _old_slugs(aliases: Any) -> list[str]:
    """The slugs of a story's earlier addresses, from its ``aliases`` as written."""
    old = [
        story_slug(alias)
        for alias in (
            aliases if isinstance(aliases, list) else [aliases] if isinstance(aliases, str) else []
        )
        if isinstance(alias, str)
    ]
    return [slug for slug in old if slug and "/" not in slug]


def _image_keys(root: Path, files: list[str]) -> list[str]:
    """The image cache's keys for the photos among ``files`` (repository paths)."""
    from voices.media.images import IMAGE_SUFFIXES, cache_key

    keys = []
    for name in files:
        if PurePosixPath(name).suffix.lower() in IMAGE_SUFFIXES:
            try:
                keys.append(cache_key(root / name))
            except OSError:
                continue
    return keys


# --- git ---------------------------------------------------------------------------------------


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)


def _tracked(root: Path, path: Path) -> bool:
    """True when git tracks ``path``; False outside a work tree or without git."""
    try:
        return _git(root, "ls-files", "--error-unmatch", "--", str(path)).returncode == 0
    except OSError:  # git is not installed
        return False


def _delete_folder(root: Path, folder: Path) -> None:
    """Delete a story's folder: ``git rm`` what git tracks, so the deletion is staged for the
    commit, then remove whatever is left (untracked files, empty folders)."""
    try:
        listed = _git(root, "ls-files", "-z", "--", str(folder))
        tracked = (
            [name for name in listed.stdout.split("\0") if name] if listed.returncode == 0 else []
        )
    except OSError:
        tracked = []
    if tracked:
        # -f: a taken-down file goes even when it has edits nobody committed yet.
        done = _git(root, "rm", "-q", "-f", "--", *tracked)
        if done.returncode != 0:
            raise WithdrawError(f"git rm failed, nothing was changed: {done.stderr.strip()}")
    if folder.exists():  # git rm removes a folder it has emptied
        shutil.rmtree(folder)
