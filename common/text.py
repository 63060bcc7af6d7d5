"""Plain-text validation for anything one person types and others read."""

import regex
from django import forms

# Each rule is a Unicode property (the `regex` module knows them, `unicodedata` does not), so a
# character Unicode adds to one is covered when `regex` is upgraded.

# Cc, line and paragraph separators: they break or garble the lines they are shown in.
CONTROL = regex.compile(r"[\p{Cc}\p{Zl}\p{Zp}]")
# Bidi_Control: the marks (U+200E, U+200F, U+061C), embeddings, overrides and isolates. All
# invisible, all move what is shown around them, so "Standup<U+202E>gpj.exe" reads as another
# name ("Trojan Source"). A name needs none: browsers order each script's letters themselves.
DIRECTION = regex.compile(r"\p{Bidi_Control}")
# The Tags block spells hidden ASCII ("Standup" followed by a whole invisible sentence). Its one
# visible use is an emoji subdivision flag (UTS #51: U+1F3F4, a CLDR subdivision id in tag
# letters and digits, then CANCEL TAG), which is allowed.
TAG = regex.compile(r"\p{Block=Tags}")
TAG_FLAG = regex.compile(r"\U0001F3F4[\U000E0030-\U000E0039\U000E0061-\U000E007A]{3,7}\U000E007F")
# What shows nothing: white space, Default_Ignorable_Code_Point (zero-width characters,
# variation selectors, the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0), format, surrogate,
# private-use and unassigned characters. U+2800 BRAILLE PATTERN BLANK is drawn as an empty cell
# yet has no property that says so (it is a symbol, So), so it is the one character named.
VISIBLE = regex.compile(r"[^\p{White_Space}\p{Default_Ignorable_Code_Point}\p{C}\u2800]")


class PlainText:
    """Refuses what a reader cannot see in text shown to others: control characters, text
    direction controls and marks, hidden tag text, and text with no visible character at all
    (zero-width spaces, blank-looking fillers)."""

    def __init__(self, what: str, *, multiline: bool = False) -> None:
        self.what = what
        self.allowed = "\n\t" if multiline else ""

    def __call__(self, value: str) -> None:
        # NUL is refused by every CharField already, with its own message.
        if any(CONTROL.match(char) for char in value if char not in self.allowed + "\x00"):
            raise forms.ValidationError(f"The {self.what} cannot contain control characters.")
        if DIRECTION.search(value):
            raise forms.ValidationError(
                f"The {self.what} cannot contain invisible text-direction characters "
                "(such as a right-to-left override)."
            )
        if TAG.search(TAG_FLAG.sub("", value)):
            raise forms.ValidationError(f"The {self.what} cannot contain invisible tag characters.")
        if value and not VISIBLE.search(value):
            raise forms.ValidationError(f"The {self.what} has no visible characters.")
