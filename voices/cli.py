"""The ``voices`` command: check the content, start stories, export the contract, check
external links.

Exit status: 0 when all is well, 1 when the content has problems, 2 for bad usage.
``voices links`` exits 0 even when links are dead, and 1 only when no site could be reached.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from voices.content.loading import SETTINGS_FILE, load_archive
from voices.content.problems import Problem

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def find_root(start: Path) -> Path | None:
    """The repository root: the nearest folder upwards holding archive.yml."""
    for folder in (start, *start.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    return None


def report(problems: list[Problem], out=None) -> None:
    """Print problems as ``path:line: field: message (hint)``; under GitHub Actions also as
    annotations, and the full list in the job summary (GitHub shows only ten annotations)."""
    out = out or sys.stdout
    for problem in problems:
        print(problem, file=out)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for problem in problems:
            print(problem.github_annotation(), file=out)
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary and problems:
            with open(summary, "a", encoding="utf-8") as handle:
                handle.write(
                    f"### {len(problems)} content problem{'s' if len(problems) != 1 else ''}\n\n"
                )
                for problem in problems:
                    handle.write(
                        f"- `{problem.path}:{problem.line}` **{problem.field}**: {problem.message}"
                        + (f" ({problem.hint})" if problem.hint else "")
                        + "\n"
                    )


def _command_check(args: argparse.Namespace) -> int:
    root = _root(args)
    if root is None:
        return EXIT_USAGE
    archive, problems = load_archive(root)
    report(problems)
    if problems:
        files = len({problem.path for problem in problems})
        print(
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {files} "
            f"file{'s' if files != 1 else ''}.",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    assert archive is not None
    print(
        f"All good: {len(archive.stories)} stories and {len(archive.areas)} areas checked.",
        file=sys.stderr,
    )
    return EXIT_OK


def _command_schema(args: argparse.Namespace) -> int:
    from voices.content.schema import known_values, write_schemas

    root = _root(args)
    if root is None:
        return EXIT_USAGE
    archive, problems = load_archive(root)
    if archive is None:
        report(problems)
        return EXIT_PROBLEMS
    known = known_values(archive)
    output = Path(args.output) if args.output else root / "docs" / "schema"
    for written in write_schemas(output, known, sorted(archive.taxonomy.kinds_needing_consent())):
        print(written)
    return EXIT_OK


def _change_story(args: argparse.Namespace, name: str, change, error_type: type[Exception]) -> int:
    """Run a command that changes a story's files: print its lines, or its refusal (exit 2)."""
    root = _root(args)
    if root is None:
        return EXIT_USAGE
    try:
        lines = change(root)
    except error_type as error:
        print(f"voices {name}: {error}", file=sys.stderr)
        return EXIT_USAGE
    for line in lines:
        print(line)
    return EXIT_OK


def _command_rename(args: argparse.Namespace) -> int:
    from voices.site.permalinks import RenameError, rename_story

    return _change_story(
        args, "rename", lambda root: rename_story(root, args.old, args.new), RenameError
    )


def _command_withdraw(args: argparse.Namespace) -> int:
    from voices.edit.withdraw import WithdrawError, withdraw_story

    return _change_story(
        args,
        "withdraw",
        lambda root: withdraw_story(root, args.slug, args.reason, erase_title=args.erase_title),
        WithdrawError,
    )


def _command_scrub(args: argparse.Namespace) -> int:
    from voices.media.images import IMAGE_SUFFIXES, ImageProblem
    from voices.media.originals import original_file_problem, scrub_in_place

    paths = [Path(name) for name in args.paths]
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        print(f"voices scrub: no such file: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    # A folder means every file in it (a story's folder, say), hidden files aside.
    files = [
        file
        for path in paths
        for file in (
            sorted(f for f in path.rglob("*") if f.is_file() and not f.name.startswith("."))
            if path.is_dir()
            else [path]
        )
    ]
    failed = 0
    for file in files:
        suffix = file.suffix.lower()
        if suffix in IMAGE_SUFFIXES:
            try:
                print(scrub_in_place(file))
            except ImageProblem as problem:
                print(f"{file}: {problem}")
                failed += 1
        else:
            found = original_file_problem(
                file
            )  # reported, never rewritten: re-muxing is not ours to do
            if found:
                print(f"{file}: {found[0]}, which voices scrub cannot remove ({found[1]})")
                failed += 1
            else:
                print(f"{file}: no location found; left unchanged")
    if failed:
        print(
            f"{failed} file{'s' if failed != 1 else ''} still need{'s' if failed == 1 else ''} attention.",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    return EXIT_OK


def _command_new(args: argparse.Namespace) -> int:
    from voices.edit.new_story import ScaffoldError, StoryAnswers, new_story, read_choices

    root = _root(args)
    if root is None:
        return EXIT_USAGE
    answers = StoryAnswers(
        title=args.title or "",
        areas=_listed(args.area),
        themes=_listed(args.theme),
        date=args.date or "",
        summary=args.summary or "",
        kind=args.kind,
        slug=args.slug or "",
        folder=args.folder,
    )
    try:
        choices = read_choices(root)
        if sys.stdin.isatty():
            _ask_for_missing(answers, choices)
        else:
            missing = [
                flag
                for flag, given in (
                    ("--title", answers.title),
                    ("--area", answers.areas),
                    ("--theme", answers.themes),
                    ("--date", answers.date),
                )
                if not given
            ]
            if missing:
                print(
                    f"voices new: give {', '.join(missing)} (or run it in a terminal to be asked)",
                    file=sys.stderr,
                )
                return EXIT_USAGE
        file, problems = new_story(root, answers)
    except ScaffoldError as error:
        print(f"voices new: {error}", file=sys.stderr)
        return EXIT_USAGE
    path = file.relative_to(root).as_posix()
    print(f"wrote {path} (status: draft)")
    report(problems)
    if problems:
        return EXIT_PROBLEMS
    print(
        "next: write the story below the second ---, replace every “Example:” value, "
        + ("upload its files beside index.md, " if answers.folder else "")
        + "then set status: published and open a pull request"
    )
    return EXIT_OK


def _listed(values: list[str] | None) -> list[str]:
    """Flags given once per value or as a comma-separated list: both work."""
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def _ask_for_missing(answers, choices) -> None:
    """Ask in the terminal for each missing or unusable answer until it can be used."""
    from voices.edit.new_story import answer_problems

    questions = {
        "title": ("Title of the story", lambda text: setattr(answers, "title", text)),
        "area": (
            "Area or areas (file names in areas/, separated by commas)",
            lambda text: setattr(answers, "areas", _listed([text])),
        ),
        "theme": (
            f"Themes ({', '.join(sorted(choices.themes))}; separated by commas)",
            lambda text: setattr(answers, "themes", _listed([text])),
        ),
        "date": (
            "Date (YYYY-MM-DD, or YYYY-MM or YYYY when the day is not known)",
            lambda text: setattr(answers, "date", text.strip()),
        ),
    }
    for name, (question, store) in questions.items():
        while name in (found := answer_problems(answers, choices)):
            given = {
                "title": answers.title,
                "area": answers.areas,
                "theme": answers.themes,
                "date": answers.date,
            }
            if given[name]:
                print(f"  {name}: {found[name]}")
            store(input(f"{question}: "))


def _command_links(args: argparse.Namespace) -> int:
    from voices.publish.linkcheck import run_link_check, summary_line

    root = _root(args)
    if root is None:
        return EXIT_USAGE
    report_file = Path(args.report)
    if not report_file.parent.is_dir():
        print(
            f"voices links: no folder {report_file.parent} to write the report in", file=sys.stderr
        )
        return EXIT_USAGE
    archive, problems = load_archive(root)
    if archive is None:
        report(problems)
        return EXIT_PROBLEMS
    if problems:  # the rest is still worth checking; `voices check` reports these
        files = len({problem.path for problem in problems})
        print(
            f"voices links: {files} file(s) with problems left out (run voices check)",
            file=sys.stderr,
        )
    result = run_link_check(archive, report_file, args.timeout)
    if result.offline:
        print(
            f"voices links: none of the {len(result.results)} sites could be reached; is this computer "
            "offline? Nothing is reported as dead.",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS  # the workflow must neither open nor close its issue on this
    print(f"{summary_line(result)} Report: {report_file}", file=sys.stderr)
    return EXIT_OK  # dead links are reported, never a failure: they must not block anything


def _command_assemble(args: argparse.Namespace) -> int:
    from voices.site.markdown_tree import TreeError, assemble

    root = _root(args)
    if root is None:
        return EXIT_USAGE
    try:
        written, problems = assemble(root, Path(args.out).resolve(), args.zensical)
    except TreeError as error:
        print(f"voices assemble: {error}", file=sys.stderr)
        return EXIT_USAGE
    if written is None:
        report(problems)
        return EXIT_PROBLEMS
    for warning in written.warnings:
        print(warning, file=sys.stderr)
    print(
        f"Wrote {written.pages} pages and {written.files} files to {args.out} (see README.md there)."
    )
    return EXIT_OK


def _command_bag(args: argparse.Namespace) -> int:
    from voices.publish.bag import BagError, BagUsageError, make_bag

    root = _root(args)
    if root is None:
        return EXIT_USAGE
    try:
        made, problems = make_bag(
            root, Path(args.out_dir).resolve(), Path(args.site).resolve() if args.site else None
        )
    except BagError as error:
        print(f"voices bag: {error}", file=sys.stderr)
        return EXIT_USAGE if isinstance(error, BagUsageError) else EXIT_PROBLEMS
    if made is None:
        report(problems)
        return EXIT_PROBLEMS
    for line in made.left_out:
        print(f"left out: {line}", file=sys.stderr)
    print(
        f"Bag written to {args.out_dir}: {made.files} files, {made.bytes / 1e6:.1f} MB; "
        f"open {args.out_dir}/data/site/index.html, or read {args.out_dir}/data/README.txt."
    )
    return EXIT_OK


def _root(args: argparse.Namespace) -> Path | None:
    start = Path(args.root).resolve() if args.root else Path.cwd()
    root = find_root(start)
    if root is None:
        print(
            f"voices: no {SETTINGS_FILE} found in {start} or above; run this inside the archive's "
            "repository or pass --root",
            file=sys.stderr,
        )
    return root


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="voices", description="Check and publish the Voices of Big Local archive."
    )
    parser.add_argument(
        "--root", help="the archive repository (default: found from the current folder)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check every story and area; list all problems")
    check.set_defaults(handler=_command_check)
    schema = commands.add_parser("schema", help="write the content contract as JSON Schema")
    schema.add_argument("--output", help="folder to write into (default: docs/schema)")
    schema.set_defaults(handler=_command_schema)
    rename = commands.add_parser(
        "rename", help="give a story a new address; the old one redirects to it"
    )
    rename.add_argument("old", help="the story's current slug (its file or folder name)")
    rename.add_argument("new", help="the new slug")
    rename.set_defaults(handler=_command_rename)
    withdraw = commands.add_parser(
        "withdraw",
        help="take a story down: keep only the notice at its address, "
        "delete its text, names and files",
    )
    withdraw.add_argument("slug", help="the story's slug (its file or folder name)")
    withdraw.add_argument("--reason", required=True, help="a withdrawal reason from taxonomy.yml")
    withdraw.add_argument("--erase-title", action="store_true", help="remove the title as well")
    withdraw.set_defaults(handler=_command_withdraw)
    new = commands.add_parser(
        "new", help="start a new story from the template (asks for what is missing)"
    )
    new.add_argument("--title", help="the story's title")
    new.add_argument(
        "--area", action="append", help="an area's slug (file name in areas/); repeat or use commas"
    )
    new.add_argument(
        "--theme", action="append", help="a theme from taxonomy.yml; repeat or use commas"
    )
    new.add_argument("--date", help="YYYY-MM-DD, or YYYY-MM or YYYY when the day is not known")
    new.add_argument(
        "--summary", help="one or two plain sentences (can be written in the file later)"
    )
    new.add_argument(
        "--kind",
        default="story",
        help="story, interview, film, audio, report or blog (default: story)",
    )
    new.add_argument("--slug", help="the story's address (default: made from the title)")
    new.add_argument(
        "--folder",
        action="store_true",
        help="make a folder, for a story with photos, recordings or documents",
    )
    new.set_defaults(handler=_command_new)
    scrub = commands.add_parser(
        "scrub",
        help="remove location and other metadata from original images, "
        "in place; report media and PDFs that carry location",
    )
    scrub.add_argument(
        "paths", nargs="+", metavar="PATH", help="image, audio, video or PDF files, or folders"
    )
    scrub.set_defaults(handler=_command_scrub)
    links = commands.add_parser(
        "links",
        help="check links to other websites; write a report of the dead ones "
        "(exit 0 even when some are dead)",
    )
    links.add_argument("--report", required=True, metavar="FILE", help="Markdown report to write")
    links.add_argument(
        "--timeout", type=_seconds, default=20.0, help="seconds to wait for each site (default 20)"
    )
    links.set_defaults(handler=_command_links)
    assemble = commands.add_parser(
        "assemble", help="write every page as plain Markdown, for another generator"
    )
    assemble.add_argument("--out", required=True, help="a new or empty folder to write into")
    assemble.add_argument(
        "--zensical",
        action="store_true",
        help="put the pages in DIR/docs beside a zensical.toml: then run `zensical build` in DIR",
    )
    assemble.set_defaults(handler=_command_assemble)
    bag = commands.add_parser(
        "bag", help="write a BagIt preservation package: offline site, sources, data"
    )
    bag.add_argument("out_dir", metavar="OUT_DIR", help="a new or empty folder for the bag")
    bag.add_argument(
        "--site",
        help="an offline copy built already (./scripts/build --offline); default: build one",
    )
    bag.set_defaults(handler=_command_bag)
    return parser


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 300:
        raise argparse.ArgumentTypeError(f"“{text}” is not a number of seconds between 0 and 300")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on bad usage, 0 on --help
        return int(exit_.code or 0)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
