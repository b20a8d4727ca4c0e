"""Read content files: front matter with a line number for every field, never a traceback.

python-frontmatter finds the ``---`` boundaries; PyYAML (safe loader only) composes the
YAML so every field keeps its line, and duplicate keys, which PyYAML forgives
silently, are caught here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from voices.problems import Problem

# The C loader is many times faster; both are "safe": no Python object is ever built.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BOUNDARY = YAMLHandler.FM_BOUNDARY

FieldPath = tuple[str | int, ...]


@dataclass
class ScalarInfo:
    """What the file literally said for one value, for hints such as "put it in quotes"."""

    line: int
    text: str
    plain: bool  # written without quotes
    comment_after: bool  # a " #" on the same line cut the value short


@dataclass
class ParsedFile:
    """A content file's front matter as data, with where each field was written."""

    path: str  # relative to the repository root, for messages
    data: dict[Any, Any]
    body: str = ""
    body_line: int = 1
    lines: dict[FieldPath, int] = field(default_factory=dict)
    scalars: dict[FieldPath, ScalarInfo] = field(default_factory=dict)

    def line_of(self, path: FieldPath) -> int:
        """The line of a field, or of its nearest written parent when it is missing."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1


def decode_text(raw: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """Bytes to text with Unix line endings, or a problem saying why not."""
    if not raw.strip():
        return None, [Problem(path, 1, "file", "the file is empty",
                              "copy stories/_template.md and fill in the fields")]
    if b"\x00" in raw[:8192]:
        return None, [Problem(path, 1, "file", "this is not a text file",
                              "stories and areas are Markdown files; put images and other files "
                              "in the story's folder beside index.md")]
    try:
        text = raw.decode("utf-8-sig")  # a byte order mark is harmless: drop it
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        return None, [Problem(path, line, "file", "the file is not saved as UTF-8 text",
                              "save it again choosing the UTF-8 encoding; GitHub's web editor "
                              "always does")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def parse_front_matter_file(file: Path, path: str) -> tuple[ParsedFile | None, list[Problem]]:
    """Read a Markdown file with YAML front matter."""
    try:
        raw = file.read_bytes()
    except OSError as error:
        return None, [Problem(path, 1, "file", f"cannot be read: {error.strerror}")]
    text, problems = decode_text(raw, path)
    if text is None:
        return None, problems
    return parse_front_matter_text(text, path)


def parse_front_matter_text(text: str, path: str) -> tuple[ParsedFile | None, list[Problem]]:
    """Split front matter from the body and parse it, keeping line numbers."""
    boundaries = _BOUNDARY.finditer(text)
    opening = next(boundaries, None)
    if opening is None or opening.start() != 0 and text[: opening.start()].strip():
        return None, [Problem(path, 1, "front matter", "the file does not start with front matter",
                              "the first line must be --- , then the fields, then another ---")]
    closing = next(boundaries, None)
    if closing is None:
        return None, [Problem(path, text.count("\n", 0, opening.start()) + 1, "front matter",
                              "the front matter is never closed",
                              "add a line holding only --- after the last field")]
    yaml_text = text[opening.end(): closing.start()]
    first_line = text.count("\n", 0, opening.end())  # lines before the YAML starts
    parsed, problems = parse_yaml_mapping(yaml_text, path, first_line)
    if parsed is None:
        return None, problems
    body = text[closing.end():]
    parsed.body_line = text.count("\n", 0, closing.end()) + 2
    parsed.body = body.removeprefix("\n")
    return parsed, problems


def parse_yaml_file(file: Path, path: str) -> tuple[ParsedFile | None, list[Problem]]:
    """Read a plain YAML data file whose top level is a mapping (taxonomy, settings)."""
    try:
        raw = file.read_bytes()
    except OSError as error:
        return None, [Problem(path, 1, "file", f"cannot be read: {error.strerror}")]
    text, problems = decode_text(raw, path)
    if text is None:
        return None, problems
    return parse_yaml_mapping(text, path, 0)


def parse_yaml_mapping(yaml_text: str, path: str, first_line: int) -> tuple[ParsedFile | None, list[Problem]]:
    """Parse YAML safely into a mapping; ``first_line`` is how many file lines come before it."""
    loader = _SafeLoader(yaml_text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + (mark.line + 1 if mark else 1)
        return None, [_yaml_problem(path, line, error)]
    except yaml.YAMLError as error:
        return None, [Problem(path, first_line + 1, "front matter", f"the YAML cannot be read: {error}")]
    except RecursionError:
        return None, [Problem(path, first_line + 1, "front matter", "the YAML is nested too deeply")]
    finally:
        loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        line = first_line + (node.start_mark.line + 1 if node is not None else 1)
        return None, [Problem(path, line, "front matter", "the front matter must be a list of fields",
                              "write one field per line as name: value, e.g. title: Our garden")]
    parsed = ParsedFile(path=path, data=data)
    problems: list[Problem] = []
    if node is not None:
        source_lines = yaml_text.split("\n")
        _index_nodes(node, (), parsed, problems, first_line, source_lines, set())
    return parsed, problems


def _yaml_problem(path: str, line: int, error: yaml.MarkedYAMLError) -> Problem:
    what = (error.problem or error.context or "the YAML is not valid").strip()
    if "could not determine a constructor" in what or "tag" in what and "!" in what:
        return Problem(path, line, "front matter", "a YAML tag (starting with !) is not allowed here",
                       "remove the tag and write the value as plain text, a number, a date, "
                       "true or false")
    if "mapping values are not allowed" in what:
        hint = "a value containing ': ' must be in quotes, e.g. title: \"Ramsey: a town on the move\""
    elif "found character '\\t'" in what or "\\t" in what:
        hint = "indent with spaces, not tabs"
    elif "found unhashable key" in what:
        hint = "a field name must be a single word, not a list or group"
    elif "expected <block end>" in what or "did not find expected key" in what:
        hint = "check the indentation: fields in a group must line up under each other"
    elif "found undefined alias" in what or "found character '*'" in what:
        hint = "a value starting with * or & must be in quotes"
    else:
        hint = "put values containing : # [ ] { } or quotes inside double quotes"
    return Problem(path, line, "front matter", f"the YAML cannot be read: {what}", hint)


def _index_nodes(node: yaml.Node, path: FieldPath, parsed: ParsedFile, problems: list[Problem],
                 first_line: int, source_lines: list[str], seen: set[int]) -> None:
    """Record each field's line, catch duplicate keys and values cut short by a comment."""
    if id(node) in seen:  # an alias: already indexed; also stops "billion laughs" blow-ups
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first_seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            line = first_line + key_node.start_mark.line + 1
            if key == "<<":  # a YAML merge key: its fields were merged by the loader
                continue
            if key in first_seen:
                problems.append(Problem(parsed.path, line, field_name(path + (key,)),
                                        f"is given twice (first on line {first_seen[key]})",
                                        "keep only one; otherwise the last one silently wins"))
                continue
            first_seen[key] = line
            parsed.lines[path + (key,)] = line
            _index_nodes(value_node, path + (key,), parsed, problems, first_line, source_lines, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            parsed.lines[path + (index,)] = first_line + item.start_mark.line + 1
            _index_nodes(item, path + (index,), parsed, problems, first_line, source_lines, seen)
    elif isinstance(node, yaml.ScalarNode):
        plain = not node.style  # the C loader says "" for plain, the Python one None
        end = node.end_mark
        rest = source_lines[end.line][end.column:] if end.line < len(source_lines) else ""
        parsed.scalars[path] = ScalarInfo(
            line=first_line + node.start_mark.line + 1,
            text=node.value,
            plain=plain,
            comment_after=plain and rest.lstrip().startswith("#"),
        )


def field_name(path: FieldPath) -> str:
    """``('media', 0, 'src')`` → ``media[1].src`` (items counted from 1, as people count)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out


