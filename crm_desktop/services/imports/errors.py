"""The one error a file that cannot be imported raises."""

from __future__ import annotations


class ImportFileError(Exception):
    """A file that cannot be imported; the message is one line naming the file and why."""
