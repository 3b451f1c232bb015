"""Live reload for `leaflets serve`: an open page of the online version reloads itself once a
rebuild is done.

The script is added to pages as they are served, never to the files in the output folder,
and comes from this server (the Content-Security-Policy allows scripts of its own origin
only). It asks /_serve/changes, which answers when the count of rebuilds moves past the
one the page was served with, or after a while with no change, when it is asked again.
"""

from __future__ import annotations

import threading

from flask import Flask, Response, request

SCRIPT_URL = "/_serve/reload.js"
CHANGES_URL = "/_serve/changes"
WAIT = 20.0  # seconds a request for changes is held open before it answers "none yet"
CSP = "script-src 'self'; connect-src 'self'"  # added to the policy while pages reload

RELOAD_JS = """\
(function () {
  "use strict";
  var seen = document.currentScript.dataset.seen;
  function ask() {
    fetch("%s?seen=" + seen, {cache: "no-store"})
      .then(function (answer) { return answer.ok ? answer.text() : Promise.reject(); })
      .then(function (count) { if (count !== seen) { location.reload(); } else { ask(); } })
      .catch(function () { setTimeout(ask, 1000); });  // stopped or restarting: ask again
  }
  ask();
})();
""" % CHANGES_URL


class Rebuilds:
    """The count of finished rebuilds, which open pages wait on."""

    def __init__(self) -> None:
        self.count = 0
        self._changed = threading.Condition()

    def done(self) -> None:
        with self._changed:
            self.count += 1
            self._changed.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        """The count once it differs from `seen`, or after `timeout` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self.count != seen, timeout)
            return self.count


def with_script(html: bytes, seen: int) -> bytes:
    """The page with the reload script at the end of its body."""
    tag = f'<script src="{SCRIPT_URL}" data-seen="{seen}"></script>\n'.encode()
    end = html.rfind(b"</body>")
    return html[:end] + tag + html[end:] if end >= 0 else html + tag


def register(app: Flask, rebuilds: Rebuilds) -> None:
    """Add the script and the changes it waits for to the desk's app."""

    def script() -> Response:
        return Response(RELOAD_JS, mimetype="text/javascript",
                        headers={"Cache-Control": "no-store"})

    def changes() -> Response:
        seen = request.args.get("seen", "")
        count = rebuilds.wait(int(seen), WAIT) if seen.isdigit() else rebuilds.count
        return Response(str(count), mimetype="text/plain", headers={"Cache-Control": "no-store"})

    app.get(SCRIPT_URL, endpoint="live_reload_script")(script)
    app.get(CHANGES_URL, endpoint="live_reload_changes")(changes)
