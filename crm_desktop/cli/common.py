"""What every command shares: one-line errors and a progress line on stderr."""

from __future__ import annotations

import argparse
import sys
import time
from typing import IO, NoReturn


class UsageError(Exception):
    """Bad input on the command line: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: the message and where to find help, no usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {one_line(message)} (see {self.prog} --help)\n")


def one_line(text: str) -> str:
    return " ".join(str(text).split())


class ProgressLine:
    """A progress line on stderr: rewritten in place on a terminal, one line per phase in a log."""

    def __init__(self, stream: IO[str] | None = None, interval: float = 0.2) -> None:
        self._stream = stream or sys.stderr
        self._tty = self._stream.isatty()
        self._interval = interval
        self._last = 0.0
        self._phase = ""
        self._width = 0

    def __call__(self, fraction: float, message: str = "") -> None:
        phase = message.split(" ")[0] if message else ""
        now = time.monotonic()
        if self._tty:
            if now - self._last < self._interval and fraction < 1.0:
                return
            text = f"\r{fraction:6.1%}  {message}"
            self._stream.write(text.ljust(self._width))
            self._width = len(text)
        elif phase != self._phase:
            self._stream.write(f"{fraction:6.1%}  {message}\n")
        else:
            return
        self._phase = phase
        self._last = now
        self._stream.flush()

    def finish(self) -> None:
        if self._tty and self._width:
            self._stream.write("\n")
            self._stream.flush()
