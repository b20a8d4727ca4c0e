"""Read content files: front matter with a line number for every field, never a traceback.

python-frontmatter finds the ``---`` boundaries; PyYAML (safe loader only) composes the
YAML so every field keeps its line, and duplicate keys, which PyYAML forgives
silently, are caught here.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from voices.content.problems import Problem

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


# Bounds that keep a hostile file from costing more than a moment: far above any real story
# (the largest area file is about 1 KB of fields), far below what would slow a build.
MAX_FILE_BYTES = 2_000_000  # a story's or area's file, body included
MAX_YAML_CHARACTERS = 200_000  # its front matter (or a settings file)
MAX_DEPTH = 20  # groups inside groups: the deepest field today is 2 levels down

# Invisible characters that YAML refuses or reads as a line break, and HTML does not allow:
# C0 controls but tab and line ends, DEL, C1 controls (U+0085 is a line break to YAML, which
# would shift every line number after it), and Unicode's line and paragraph separators.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_COMMENT_AFTER = re.compile(r"[ \t]*#")


def _line_of_offset(raw: bytes, offset: int) -> int:
    """The line (from 1) holding byte ``offset``, counting CR LF, LF and a lone CR as one break."""
    head = raw[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def _is_utf8(head: bytes) -> bool:
    """Whether the start of a file is UTF-8 (a character cut at the end is fine)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def decode_text(raw: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """Bytes to text with Unix line endings, or a problem saying why not."""
    if not raw.strip():
        return None, [
            Problem(
                path,
                1,
                "file",
                "the file is empty",
                "copy stories/_template.md and fill in the fields",
            )
        ]
    sample = raw[:256]
    zero_halves = [half.count(0) == len(half) for half in (sample[0::2], sample[1::2])]
    if raw.startswith(_UTF16_32_BOMS) or len(sample) > 1 and zero_halves.count(True) == 1:
        # UTF-16 text: every other byte of plain English is zero, so it is not "not text".
        return None, [
            Problem(
                path,
                1,
                "file",
                "the file is saved as UTF-16 (or UTF-32), not UTF-8",
                "save it again choosing the UTF-8 encoding; GitHub's web editor always does",
            )
        ]
    head = raw[:8192]
    if b"\x00" in head and not _is_utf8(
        head
    ):  # a stray NUL in text is reported with its line below
        return None, [
            Problem(
                path,
                1,
                "file",
                "this is not a text file",
                "stories and areas are Markdown files; put images and other files "
                "in the story's folder beside index.md",
            )
        ]
    try:
        text = raw.decode("utf-8-sig")  # a byte order mark is harmless: drop it
    except UnicodeDecodeError as error:
        return None, [
            Problem(
                path,
                _line_of_offset(raw, error.start),
                "file",
                "the file is not saved as UTF-8 text",
                "save it again choosing the UTF-8 encoding; GitHub's web editor always does",
            )
        ]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    problems = []
    for match in _CONTROL.finditer(text):
        problems.append(
            Problem(
                path,
                text.count("\n", 0, match.start()) + 1,
                "file",
                f"contains an invisible control character (U+{ord(match.group()):04X})",
                "delete it: retype the text around it; it often comes with text copied "
                "from another program",
            )
        )
        if len(problems) == 10:  # enough to find them; a file full of them is not text anyway
            break
    return (None, problems) if problems else (text, [])


def read_content_bytes(file: Path, path: str) -> tuple[bytes | None, list[Problem]]:
    """A content file's bytes, refusing one too large to be a story before reading it all."""
    try:
        with file.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return None, [Problem(path, 1, "file", f"cannot be read: {error.strerror}")]
    if len(raw) > MAX_FILE_BYTES:
        return None, [
            Problem(
                path,
                1,
                "file",
                f"is larger than {MAX_FILE_BYTES // 1_000_000} MB, too large "
                "for a story or area file",
                "put long documents and transcripts in their own files beside index.md "
                "(attachments: or transcript:)",
            )
        ]
    return raw, []


def parse_front_matter_file(file: Path, path: str) -> tuple[ParsedFile | None, list[Problem]]:
    """Read a Markdown file with YAML front matter."""
    raw, problems = read_content_bytes(file, path)
    if raw is None:
        return None, problems
    text, problems = decode_text(raw, path)
    if text is None:
        return None, problems
    return parse_front_matter_text(text, path)


def parse_front_matter_text(text: str, path: str) -> tuple[ParsedFile | None, list[Problem]]:
    """Split front matter from the body and parse it, keeping line numbers."""
    boundaries = _BOUNDARY.finditer(text)
    opening = next(boundaries, None)
    if opening is None or opening.start() != 0 and text[: opening.start()].strip():
        return None, [
            Problem(
                path,
                1,
                "front matter",
                "the file does not start with front matter",
                "the first line must be --- , then the fields, then another ---",
            )
        ]
    closing = next(boundaries, None)
    if closing is None:
        return None, [
            Problem(
                path,
                text.count("\n", 0, opening.start()) + 1,
                "front matter",
                "the front matter is never closed",
                "add a line holding only --- after the last field",
            )
        ]
    yaml_text = text[opening.end() : closing.start()]
    first_line = text.count("\n", 0, opening.end())  # lines before the YAML starts
    parsed, problems = parse_yaml_mapping(yaml_text, path, first_line)
    if parsed is None:
        return None, problems
    body = text[closing.end() :]
    parsed.body_line = text.count("\n", 0, closing.end()) + 2
    parsed.body = body.removeprefix("\n")
    return parsed, problems


def parse_yaml_file(file: Path, path: str) -> tuple[ParsedFile | None, list[Problem]]:
    """Read a plain YAML data file whose top level is a mapping (taxonomy, settings)."""
    raw, problems = read_content_bytes(file, path)
    if raw is None:
        return None, problems
    text, problems = decode_text(raw, path)
    if text is None:
        return None, problems
    return parse_yaml_mapping(text, path, 0)


class _Refused(Exception):
    """YAML that is read no further: one problem says why."""

    def __init__(self, line: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


def _keep_text_when_impossible(tag: str) -> Any:
    """The safe loader's constructor for ``tag``, keeping the written text when the value is
    impossible (``2019-02-29``; an integer of 5,000 digits) instead of raising: the contract
    then says what is wrong with it, on its line."""
    construct = _SafeLoader.yaml_constructors[tag]

    def constructor(loader: Any, node: yaml.ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, OverflowError):
            return node.value

    return constructor


class _Loader(_SafeLoader):  # type: ignore[misc, valid-type]
    """The safe loader whose implicit dates and numbers never raise."""


for _tag in ("int", "float", "timestamp"):
    _Loader.add_constructor(
        f"tag:yaml.org,2002:{_tag}", _keep_text_when_impossible(f"tag:yaml.org,2002:{_tag}")
    )


def parse_yaml_mapping(
    yaml_text: str, path: str, first_line: int
) -> tuple[ParsedFile | None, list[Problem]]:
    """Parse YAML safely into a mapping; ``first_line`` is how many file lines come before it."""
    if len(yaml_text) > MAX_YAML_CHARACTERS:
        blank = re.match(r"\n*", yaml_text)
        return None, [
            Problem(
                path,
                first_line + 1 + (blank.end() if blank else 0),
                "front matter",
                f"the fields are longer than {MAX_YAML_CHARACTERS:,} characters",
                "put long text in the story's body below the second ---, or in a file "
                "beside index.md",
            )
        ]
    loader = _Loader(yaml_text)
    try:
        node = _compose(loader, first_line)
        if node is not None and not isinstance(node, yaml.MappingNode):
            if isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG:
                node = None  # only comments, or nothing, between the --- lines
            else:
                line = first_line + node.start_mark.line + 1
                return None, [
                    Problem(
                        path,
                        line,
                        "front matter",
                        "the front matter must be a list of fields",
                        "write one field per line as name: value, e.g. title: Our garden",
                    )
                ]
        parsed = ParsedFile(path=path, data={})
        problems: list[Problem] = []
        if node is not None:
            _index_nodes(node, (), parsed, problems, first_line, yaml_text)
            parsed.data = loader.construct_document(node)
    except _Refused as refused:
        return None, [Problem(path, refused.line, "front matter", refused.message, refused.hint)]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + (mark.line + 1 if mark else 1)
        return None, [_yaml_problem(path, line, error)]
    except yaml.YAMLError as error:
        return None, [
            Problem(
                path,
                first_line + 1,
                "front matter",
                "the YAML cannot be read",
                f"{str(error).splitlines()[0]}; put values containing : # [ ] {{ }} or quotes "
                "inside double quotes",
            )
        ]
    finally:
        loader.dispose()
    return parsed, problems


_NULL_TAG = "tag:yaml.org,2002:null"
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


def _compose(loader: Any, first_line: int) -> yaml.Node | None:
    """The document's node tree, built from the parser's events one at a time (PyYAML's own
    composer recurses, and a file nested 30,000 deep crashes Python). Refused before anything
    is built: anchors and aliases (a few lines can expand to billions of values), tags (they
    ask for other types of value), nesting deeper than ``MAX_DEPTH`` and a second document."""
    open_nodes: list[list[Any]] = []  # [collection node, key waiting for its value]
    root: yaml.Node | None = None
    documents = 0
    while True:
        event = loader.get_event()
        start: Any = event.start_mark  # the C and the Python parser have their own Mark types
        end: Any = event.end_mark
        line = first_line + start.line + 1
        if isinstance(event, yaml.StreamEndEvent):
            return root
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _Refused(
                    line,
                    "the fields hold a second YAML document (after a line “...”)",
                    "remove the line holding only ... ; the fields end at the second ---",
                )
            continue
        if isinstance(event, (yaml.StreamStartEvent, yaml.DocumentEndEvent)):
            continue
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(
                line,
                "YAML anchors and aliases (values starting with & or *) are not allowed",
                "write each value out in full; a value that starts with & or * must be in "
                'double quotes, e.g. title: "*Our* garden"',
            )
        if getattr(event, "tag", None) is not None:
            shown = event.tag.replace("tag:yaml.org,2002:", "!!")  # as it was written
            raise _Refused(
                line,
                f"a YAML tag ({shown}) is not allowed here",
                "remove the tag and write the value as plain text, a number, a date, "
                "true or false; a value that starts with ! must be in double quotes",
            )
        if isinstance(event, yaml.ScalarEvent):
            node: yaml.Node = yaml.ScalarNode(
                loader.resolve(yaml.ScalarNode, event.value, event.implicit),
                event.value,
                start,
                end,
                style=event.style,
            )
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            if len(open_nodes) >= MAX_DEPTH:
                raise _Refused(
                    line,
                    f"the fields are nested more than {MAX_DEPTH} levels deep",
                    "a story's fields are at most two levels deep: check the indentation "
                    "and the brackets",
                )
            kind = (
                yaml.SequenceNode
                if isinstance(event, yaml.SequenceStartEvent)
                else yaml.MappingNode
            )
            collection = kind(
                loader.resolve(kind, None, event.implicit),
                [],
                start,
                None,
                flow_style=event.flow_style,
            )
            open_nodes.append([collection, None])
            continue
        else:  # the end of a sequence or mapping
            node = open_nodes.pop()[0]
            node.end_mark = end
        if not open_nodes:
            root = node
            continue
        parent = open_nodes[-1]
        if isinstance(parent[0], yaml.SequenceNode):
            parent[0].value.append(node)
        elif parent[1] is None:
            parent[1] = node
        else:
            parent[0].value.append((parent[1], node))
            parent[1] = None


def _yaml_problem(path: str, line: int, error: yaml.MarkedYAMLError) -> Problem:
    what = (error.problem or error.context or "the YAML is not valid").strip()
    if "mapping values are not allowed" in what:
        hint = (
            "a value containing ': ' must be in quotes, e.g. title: \"Ramsey: a town on the move\""
        )
    elif "found character '\\t'" in what or "\\t" in what:
        hint = "indent with spaces, not tabs"
    elif "expected <document start>" in what:
        hint = "a line holding only ... ends the fields early: remove it"
    elif "expected <block end>" in what or "did not find expected key" in what:
        hint = "check the indentation: fields in a group must line up under each other"
    elif (
        "found character '*'" in what
        or "found character '&'" in what
        or "found undefined alias" in what
    ):
        hint = "a value starting with * or & must be in quotes"
    elif "found character '@'" in what or "found character '`'" in what:
        hint = "a value starting with @ or ` must be in quotes"
    else:
        hint = "put values containing : # [ ] { } or quotes inside double quotes"
    return Problem(path, line, "front matter", f"the YAML cannot be read: {what}", hint)


# What YAML reads a field name as when it is not text, for the message about it.
_KEY_READ_AS = {
    _NULL_TAG: "nothing (empty)",
    "tag:yaml.org,2002:bool": "yes/no",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:timestamp": "a date",
}


_KEY_HINT = (
    "start the line with the field's name, then a colon and the value, e.g. title: Our garden"
)


def _key_problem(
    key_node: yaml.Node, path: FieldPath, parsed: ParsedFile, line: int
) -> Problem | None:
    """Why a mapping key cannot be a field name, or None when it can."""
    where = field_name(path) or "front matter"
    if not isinstance(key_node, yaml.ScalarNode):
        return Problem(
            parsed.path,
            line,
            where,
            "a field name must be a single word, not a list or group",
            _KEY_HINT,
        )
    if key_node.tag == _MERGE_TAG:
        return Problem(
            parsed.path,
            line,
            where,
            "a YAML merge key (<<) is not allowed",
            "write each field out in full",
        )
    if key_node.tag == _STR_TAG and not key_node.value.strip():
        return Problem(
            parsed.path, line, where, "the field name before the colon is empty", _KEY_HINT
        )
    if key_node.tag != _STR_TAG:
        shown = key_node.value or "(nothing)"
        return Problem(
            parsed.path,
            line,
            where,
            f"“{shown}” before the colon is not a field name: YAML reads it as "
            f"{_KEY_READ_AS.get(key_node.tag, 'something other than text')}",
            _KEY_HINT,
        )
    return None


def _index_nodes(
    node: yaml.Node,
    path: FieldPath,
    parsed: ParsedFile,
    problems: list[Problem],
    first_line: int,
    yaml_text: str,
) -> None:
    """Record each field's line; report and drop duplicate keys and keys that are not field
    names; note values cut short by a comment. (Recursion is bounded by ``MAX_DEPTH``.)"""
    if isinstance(node, yaml.MappingNode):
        first_seen: dict[str, int] = {}
        kept = []
        for key_node, value_node in node.value:
            line = first_line + key_node.start_mark.line + 1
            wrong = _key_problem(key_node, path, parsed, line)
            if wrong is not None:
                problems.append(wrong)
                continue
            key = key_node.value
            if key in first_seen:
                problems.append(
                    Problem(
                        parsed.path,
                        line,
                        field_name(path + (key,)),
                        f"is given twice (first on line {first_seen[key]})",
                        "keep only one; otherwise the last one silently wins",
                    )
                )
                continue
            first_seen[key] = line
            kept.append((key_node, value_node))
            parsed.lines[path + (key,)] = line
            _index_nodes(value_node, path + (key,), parsed, problems, first_line, yaml_text)
        node.value = kept
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            parsed.lines[path + (index,)] = first_line + item.start_mark.line + 1
            _index_nodes(item, path + (index,), parsed, problems, first_line, yaml_text)
    elif isinstance(node, yaml.ScalarNode):
        plain = not node.style  # the C loader says "" for plain, the Python one None
        parsed.scalars[path] = ScalarInfo(
            line=first_line + node.start_mark.line + 1,
            text=node.value,
            plain=plain,
            # Only the characters right after the value are looked at: linear in the file's size.
            comment_after=plain
            and _COMMENT_AFTER.match(yaml_text, node.end_mark.index) is not None,
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
