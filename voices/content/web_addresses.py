"""Whether a string is a plain http(s) address of a named site, and why not: the one rule every
web address field of the contract and every address the archive writes follows."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000
# Characters a web address never holds as they are (a browser's address bar shows them encoded):
# they could end a link, an attribute or a Markdown construct early where the address is written.
_URL_REFUSED = {
    '"': "a double quote",
    "'": "a quote",
    "`": "a backtick",
    "<": "an angle bracket",
    ">": "an angle bracket",
    "\\": "a backslash",
}
_TOP_LEVEL = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
URL_HINT = "copy the whole address from the browser's address bar; it starts with https://"


def web_url_problem(url: str) -> str | None:
    """Why ``url`` is not a plain http(s) address of a named site, or None when it is: no
    spaces, quotes, angle brackets, backslashes or invisible characters, brackets that pair,
    no user name or password, and a real host name (international names welcome)."""
    import unicodedata

    import idna

    if len(url) > MAX_URL_LENGTH:
        return f"it is longer than {MAX_URL_LENGTH:,} characters"
    for character in url:
        if character in _URL_REFUSED:
            return f"it contains {_URL_REFUSED[character]} ({character})"
        if unicodedata.category(character)[0] in "CZ":  # controls, format characters, spaces
            return (
                "it contains a space"
                if character == " "
                else f"it contains an invisible character or space (U+{ord(character):04X})"
            )
    if not url.lower().startswith(("https://", "http://")):
        return "it does not start with https:// or http://"
    depth = 0
    for character in url:
        depth += {"(": 1, ")": -1}.get(character, 0)
        if depth < 0:
            break
    if depth != 0:
        return "its brackets ( ) do not pair up"
    if re.search(r"%(?![0-9A-Fa-f]{2})", url):
        return "it has a % that is not followed by two hexadecimal digits"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises for a port that is not a number
    except ValueError:
        return "its site name or port cannot be read"
    if "@" in parts.netloc:
        return "it holds a user name or password (before the @)"
    host = parts.hostname or ""
    try:
        ascii_host = idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return f"“{host}” is not a site name"
    if "." not in ascii_host or not _TOP_LEVEL.match(ascii_host.rsplit(".", 1)[-1]):
        return f"“{host}” is not a site name on the web"
    return None
