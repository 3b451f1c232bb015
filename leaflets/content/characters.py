"""Which characters text may hold: the one rule, in the parts each kind of text combines.

Content files, the clinic profile and the desk form all refuse controls and invisible
characters: a direction override can make a number print backwards ("01 minutes" for 10),
and a zero-width character hides inside a word or number where no reviewer sees it. Text
that a person types on one line refuses line breaks too.
"""

from __future__ import annotations

import re

# C0 and C1 controls, except tab and the line breaks that YAML and forms carry.
CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
BREAKS = "\t\n\r"
# Embeddings, overrides and isolates: U+202A–U+202E and U+2066–U+2069.
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
# Zero-width and other invisible format characters: spaces, word joiner, invisible operators,
# deprecated format controls, the byte-order mark and tag characters (hidden "ASCII").
ZERO_WIDTH = "\u180e\u200b\u2060-\u2064\u206a-\u206f\ufeff\U000e0000-\U000e007f"
# Line and paragraph separators: YAML refuses them raw, but "\L", "\P" or "\u2028" in
# double quotes still produce them.
SEPARATORS = "\u2028\u2029"
# ZWNJ and ZWJ are spelling in Arabic-script languages (Persian "می‌خواهم") and Indic scripts,
# so they are allowed right after a letter of those scripts, and refused anywhere else.
JOINERS = "\u200c\u200d"
JOINING_SCRIPTS = "\u0600-\u06ff\u0700-\u074f\u0750-\u077f\u08a0-\u08ff\u0900-\u0dff\ufb50-\ufdff\ufe70-\ufefe"
INVISIBLE_PATTERN = (f"[{BIDI_CONTROLS}{ZERO_WIDTH}{SEPARATORS}]"
                     f"|(?<![{JOINING_SCRIPTS}{JOINERS}])[{JOINERS}]")
SURROGATES = "\ud800-\udfff"
NONCHARACTERS = "\ufffe\uffff"
SPECIALS = "\ufff0-\uffff"

UNPRINTABLE = re.compile(f"[{CONTROLS}{SURROGATES}{NONCHARACTERS}]")
INVISIBLE = re.compile(INVISIBLE_PATTERN)
NOT_ONE_LINE = re.compile(f"[{CONTROLS}{BREAKS}]|{INVISIBLE_PATTERN}")
NOT_TYPED = re.compile(f"[{CONTROLS}\t\r{SPECIALS}]|{INVISIBLE_PATTERN}")  # line breaks allowed


def invisible_message(character: str) -> str:
    """What is wrong with an invisible character, and how to fix it."""
    code = ord(character)
    if character in "\u200c\u200d":
        where = ("it is allowed only inside words of scripts that need it (Arabic, Persian, "
                 "Indic); delete it here")
    elif 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        where = ("a direction control can make a number or words print in the wrong order; "
                 "delete it (the text direction comes from the language)")
    elif character in SEPARATORS:
        where = "it is a hidden line break; write an ordinary line break or a space"
    else:
        where = "it is invisible and can hide inside a word or number; delete it"
    return f"the invisible character U+{code:04X} is not allowed: {where}"
