"""Which of many literal strings occur in a text, in one pass over it.

The audit looks for every person's name and every consent reference in every output file.
Testing each string with ``in`` costs names × files scans, which grows with the square of the
archive (2,000 names × 13,000 files at 10,000 stories). One regular expression shaped as a trie
of all the strings finds them in a single scan, with exactly the same answer as ``in``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


class Literals:
    """A set of strings to look for; ``found_in(text)`` == ``{s for s in strings if s in text}``."""

    def __init__(self, strings: Iterable[str]) -> None:
        self.strings = frozenset(strings)
        wanted = sorted(s for s in self.strings if s)
        self._pattern = re.compile(_trie_pattern(wanted)) if wanted else None
        # The regex reports the longest string starting at a place; shorter ones starting at
        # the same place are its prefixes, found through this table.
        self._prefixes = {
            s: [s[:end] for end in range(1, len(s)) if s[:end] in self.strings] for s in wanted
        }

    def found_in(self, text: str) -> set[str]:
        found = (
            {""} if "" in self.strings else set()
        )  # as with ``in``: the empty string is in any text
        if self._pattern is None:
            return found
        position = 0
        while match := self._pattern.search(text, position):
            hit = match.group()
            found.add(hit)
            found.update(self._prefixes[hit])
            position = match.start() + 1  # strings may overlap: look again from the next character
        return found


def _trie_pattern(strings: list[str]) -> str:
    """A regular expression matching any of ``strings``, longest first, shared prefixes written
    once (``Ann(?: Smith| Jones)?``), so the engine follows one path per place in the text."""
    trie: dict[str, dict] = {}
    for string in strings:
        node = trie
        for char in string:
            node = node.setdefault(char, {})
        node[""] = {}  # a string ends here

    def pattern(node: dict[str, dict]) -> str:
        branches = [
            re.escape(char) + pattern_from(child) for char, child in sorted(node.items()) if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Greedy: try the longer strings first, and end here only when none of them matches.
        return f"(?:{body})?" if "" in node else body

    def pattern_from(node: dict[str, dict]) -> str:
        # Follow a run of single characters without recursing, so long strings cannot nest deeply.
        run = []
        while len(node) == 1 and "" not in node:
            ((char, node),) = node.items()
            run.append(re.escape(char))
        return "".join(run) + pattern(node)

    return pattern(trie)
