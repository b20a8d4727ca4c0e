"""People's names as a reader sees them: found in any case, accents, apostrophes, hyphens or
spaces, whole words only, however short.

``fold`` reduces a text to the form every check compares: character references decoded,
accents removed, case folded, every apostrophe one ``'``, every dash one ``-``, every kind of
space one space. ``NameFinder`` finds the names of ``people`` in a folded text in one pass
(a trie-shaped regular expression, as in voices/content/literals.py), on word boundaries, with no
length floor: "Ann" is found in "ANN's" but not in "Annual".
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

_MARKS = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_APOSTROPHES = "\u2018\u2019\u201b\u2032\u02bc\u02bb\u02bd\u00b4\u0060\uff07"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u00ad"
_APOSTROPHE = re.compile(
    f"[{_APOSTROPHES}]"
)  # regular expressions: str.translate is slow on long texts
_DASH = re.compile(f"[{_DASHES}]")
# Spaces other than the plain one and the newline: no-break, thin, zero-width and the rest.
_SPACES = re.compile(
    "[\t\r\f\v\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]"
)
_SEPARATOR = re.compile(r"[\s\-]+")

# Everyday English words that are also given names: alone, such a "name" cannot be told from
# the word, so the check asks for the name as written in the story instead.
_COMMON_WORDS = """
amber angel april art autumn bell berry bill birch bird bob bolt brook brown bud bunny candy
carol case chance chase cherry chip christian clay cliff coral crystal daisy dale dawn dean
destiny di dot drew duke earl easter eve faith fern field fisher flora ford forest frank gale
gay gene ginger glen gold golden grace green grey guy hale hall harmony hazel heather holly
honey hope hunter iris ivy jack jade jay jewel jimmy joy june justice kit lance lark laurel
lily lou mark marsh may mercy miles mo moss nick noble norm olive opal pat patience patty
pearl penny pepper pip poppy primrose rain ray red reed rich river robin rock rocky rod rose
rosemary ruby rusty sage sandy scarlet shade sky skye sol sonny star sterling stone storm
summer sunny sue sweet tad ted tiny tom trinity troy true violet wade ward wells west white
will willow win winter wood young
"""
COMMON_WORDS = frozenset(_COMMON_WORDS.split())


def fold(text: str) -> str:
    """``text`` as the checks compare it (see the module's notes); lines stay lines."""
    if "&" in text:
        text = html.unescape(text)
    if not text.isascii():
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
        text = _SPACES.sub(" ", _DASH.sub("-", _APOSTROPHE.sub("'", text)))
    return text.casefold()


def name_key(name: str) -> str:
    """One spelling per name: folded, apostrophes dropped, words separated by one space."""
    return _SEPARATOR.sub(" ", fold(name).replace("'", "")).strip()


def common_word_name(name: str) -> bool:
    """True for a name that is one everyday word ("Rose", "May"), found everywhere as the word."""
    return name_key(name) in COMMON_WORDS


class NameFinder:
    """The names to look for; ``found_in(folded_text)`` gives the keys of those in it."""

    def __init__(self, names: Iterable[str]) -> None:
        self.keys = frozenset(k for k in map(name_key, names) if k)
        wanted = sorted(self.keys)
        self._pattern = re.compile(r"(?<!\w)(?:" + _trie(wanted) + r")(?!\w)") if wanted else None
        # The longest name found at a place hides shorter names ending at a word's end inside it.
        self._inside = {
            k: [k[:end] for end in range(1, len(k)) if k[end] == " " and k[:end] in self.keys]
            for k in wanted
        }

    def found_in(self, folded: str) -> set[str]:
        found: set[str] = set()
        if self._pattern is None:
            return found
        position = 0
        while match := self._pattern.search(folded, position):
            key = name_key(match.group())
            if key in self.keys:
                found.add(key)
                found.update(self._inside[key])
            position = match.start() + 1
        return found

    def lines_naming(self, text: str) -> list[tuple[int, str]]:
        """(line number from 1, key) of each name in ``text`` (not folded yet), line by line."""
        if self._pattern is None:
            return []
        return [
            (number, key)
            for number, line in enumerate(text.splitlines(), 1)
            for key in sorted(self.found_in(fold(line)))
        ]


def _trie(keys: list[str]) -> str:
    """A pattern for any of ``keys``: a space between words matches any spaces or dashes, an
    apostrophe may be there or not, so "Mary-Jane O'Neill" finds "mary jane oneill"."""
    trie: dict[str, dict] = {}
    for key in keys:
        node = trie
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}

    def piece(char: str) -> str:
        return r"[\s\-]+" if char == " " else re.escape(char) + "'?"

    def pattern(node: dict[str, dict]) -> str:
        branches = [piece(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(trie)
