"""Writing into the output folder: whole files or nothing."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from leaflets.build.interrupts import signals_deferred


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, so readers never see half a file.

    SIGINT and SIGTERM wait until the file is in place or its temporary file is gone.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with signals_deferred():
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                             dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())  # so a crash cannot leave a renamed but empty file
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

