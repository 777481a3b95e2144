"""Checkpoints of the access log taken by this app (with its key), and the file on the city's
side they are appended to (AUDIT_CHECKPOINT_FILE). The format: models.access_log.checkpoint."""

import os

from flask import current_app

from admin_app.audit import chain_key
from admin_app.extensions import db
from models.access_log.checkpoint import take


def current_checkpoint() -> str:
    """The signed checkpoint line of the lanes' heads now."""
    return take(db.session.connection(), chain_key())


def checkpoint_file() -> str:
    return current_app.config["AUDIT_CHECKPOINT_FILE"]


def append_to_file(line: str) -> str | None:
    """Append the line to AUDIT_CHECKPOINT_FILE; returns its path, or None when none is set.
    OSError when it cannot be written."""
    path = checkpoint_file()
    if not path:
        return None
    # One write on a descriptor opened for appending: concurrent writers do not interleave.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return path
