"""Which characters text may hold: the one rule, in the parts each kind of text combines.

Content files, the clinic profile and the desk form all refuse controls; text that a
person types on one line refuses line breaks and direction overrides too, since an
override can make a number print backwards.
"""

from __future__ import annotations

import re

# C0 and C1 controls, except tab and the line breaks that YAML and forms carry.
CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
BREAKS = "\t\n\r"
# Embeddings, overrides and isolates: U+202A–U+202E and U+2066–U+2069.
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
SURROGATES = "\ud800-\udfff"
NONCHARACTERS = "\ufffe\uffff"
SPECIALS = "\ufff0-\uffff"

UNPRINTABLE = re.compile(f"[{CONTROLS}{SURROGATES}{NONCHARACTERS}]")
NOT_ONE_LINE = re.compile(f"[{CONTROLS}{BREAKS}{BIDI_CONTROLS}]")
NOT_TYPED = re.compile(f"[{CONTROLS}\t\r{BIDI_CONTROLS}{SPECIALS}]")  # line breaks allowed
