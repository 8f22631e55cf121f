"""Writing a report file: atomically, and never over an existing file unless asked."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from fleetcheck.core.errors import FleetcheckError


class ReportExists(FleetcheckError):
    pass


def write_atomic(path: Path | str, data: bytes, force: bool = False) -> Path:
    """Write `data` to a temporary file beside `path`, then move it into place in one step.

    A reader (or a crash) never sees half a report. Without `force` an existing
    file is kept and ReportExists raised; the check and the move are one step
    (a hard link), so a file that appears meanwhile is not overwritten either.
    """
    target = Path(path)
    if not force and target.exists():
        raise ReportExists(f"{target}: exists; add --force to overwrite it")
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise FleetcheckError(f"{target}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would hide the report from a web server or a share
        if force:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)
            except FileExistsError:
                raise ReportExists(f"{target}: exists; add --force to overwrite it") from None
            except OSError:  # a file system without hard links
                if target.exists():
                    raise ReportExists(f"{target}: exists; add --force to overwrite it") from None
                os.replace(tmp, target)
    except OSError as exc:
        raise FleetcheckError(f"{target}: cannot write: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return target
