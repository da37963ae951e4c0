"""Text from the input made safe and visible for a terminal, as git shows it.

A file name or a source line may hold an escape sequence (`ESC[2J` clears the screen) or a
character that shows as nothing (a zero-width space, a bidirectional override). Printed
raw, the first acts on the terminal and the second hides what a finding or a diff is
about. `visible` spells each out instead: `\\x1b`, `<U+200B>`.
"""

from __future__ import annotations

import re

#: C0 controls but the tab, DEL and C1 controls: what a terminal acts on.
_CONTROL = "\x00-\x08\x0a-\x1f\x7f-\x9f"
#: Characters that show as nothing, or turn the text around them: zero-width spaces and
#: joiners, direction marks, embeddings, overrides and isolates, and the byte-order mark.
INVISIBLE = "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_HIDDEN = re.compile(f"[{_CONTROL}{INVISIBLE}]")


def visible(text: str) -> str:
    """`text` with every control and invisible character spelled out."""
    return _HIDDEN.sub(_spelled, text)


def _spelled(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0x9F else f"<U+{code:04X}>"
