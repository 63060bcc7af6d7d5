"""Plain-text validation for anything one person types and others read."""

import unicodedata

from django import forms

# Embeddings, overrides and isolates: invisible, yet they reorder what is shown around them,
# so "Standup<U+202E>gpj.exe" reads as another name ("Trojan Source").
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp"}


class PlainText:
    """Refuses what a reader cannot see in text shown to others: control characters, text
    direction controls, and text made only of invisible characters (zero-width spaces)."""

    def __init__(self, what: str, *, multiline: bool = False) -> None:
        self.what = what
        self.allowed = "\n\t" if multiline else ""

    def __call__(self, value: str) -> None:
        for char in value:
            # NUL is refused by every CharField already, with its own message.
            if char in self.allowed or char == "\x00":
                continue
            if unicodedata.category(char) in {"Cc", "Zl", "Zp"}:
                raise forms.ValidationError(f"The {self.what} cannot contain control characters.")
            if char in DIRECTION_CONTROLS:
                raise forms.ValidationError(
                    f"The {self.what} cannot contain invisible text-direction characters "
                    "(such as a right-to-left override)."
                )
        if value and all(unicodedata.category(char) in INVISIBLE for char in value):
            raise forms.ValidationError(f"The {self.what} has no visible characters.")
