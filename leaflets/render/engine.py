"""WeasyPrint, imported in one place, so a missing system library is one clear error.

WeasyPrint loads Pango, HarfBuzz and GObject from the system when it is imported; without
them it raises OSError from deep inside cffi, with a long traceback.
"""

from __future__ import annotations

import contextlib
import io
import re

from leaflets.errors import LeafletsError

INSTALL = ("install Pango: on Debian or Ubuntu `sudo apt-get install libpango-1.0-0 "
           "libpangoft2-1.0-0 libharfbuzz-subset0`, on macOS `brew install pango`")


class MissingLibrary(LeafletsError):
    """A system library WeasyPrint needs is not installed."""


def missing(exc: OSError) -> MissingLibrary:
    """One line: which library could not be loaded, and how to install it."""
    named = re.search(r"cannot load library '([^']+)'", str(exc))
    what = named.group(1) if named else " ".join(str(exc).split())
    return MissingLibrary(f"WeasyPrint cannot load {what}, a system library it needs; "
                          f"{INSTALL}; then run the command again")


try:
    # Without Pango, WeasyPrint prints a banner on stdout before it raises; this says it once.
    with contextlib.redirect_stdout(io.StringIO()):
        import weasyprint  # noqa: F401  (re-exported)
except OSError as exc:
    raise missing(exc) from None


def subsetter_missing() -> bool:
    """True when WeasyPrint found no HarfBuzz subsetter (4.1 or newer) and falls back to
    fontTools, which makes each PDF take about twice as long; it logs that to no one."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return harfbuzz_subset is None or not harfbuzz.hb_version_atleast(4, 1, 0)


SUBSETTER_NOTE = ("note: HarfBuzz's font subsetter is not installed, so every PDF takes about "
                  "twice as long; on Debian or Ubuntu `sudo apt-get install "
                  "libharfbuzz-subset0`, on macOS `brew install harfbuzz`")
