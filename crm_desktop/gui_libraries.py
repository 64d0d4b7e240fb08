"""The system libraries the window needs on Linux, checked before Qt is loaded.

Qt's X11 platform plugin (xcb) links about twenty system libraries (libxcb-icccm4,
libxcb-keysyms1, ...) that a minimal Linux install lacks, and PySide6 does not bring them.
When one is missing Qt cannot load any platform plugin and aborts the process (qFatal) with
a message about plugins that names no package. So before the QApplication exists, the
command line loads each library the way Qt would (`missing_libraries`) and, if some are
missing, prints which and the command that installs them (`describe_missing`).

The table lists every library that Qt's core, GUI and widget libraries and the xcb plugin
link directly, except the C and C++ runtimes (and what PySide6 bundles: Qt itself, ICU).
tests/test_gui_libraries.py checks it against the installed PySide6. Debian and Ubuntu
package names are from `dpkg -S` on Debian 12; Fedora's from its xcb-util split (the
icccm library is in xcb-util-wm). No Qt import here.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class SystemLibrary:
    soname: str
    debian: str  # Debian and Ubuntu package
    fedora: str  # Fedora package
    xcb_only: bool  # needed by the X11 (xcb) plugin only, not by Qt's GUI library itself


def _lib(soname: str, debian: str, fedora: str, xcb_only: bool = True) -> SystemLibrary:
    return SystemLibrary(soname, debian, fedora, xcb_only)


LIBRARIES: Final[tuple[SystemLibrary, ...]] = (
    # Qt Core, Gui and Widgets
    _lib("libglib-2.0.so.0", "libglib2.0-0", "glib2", xcb_only=False),
    _lib("libgthread-2.0.so.0", "libglib2.0-0", "glib2", xcb_only=False),
    _lib("libz.so.1", "zlib1g", "zlib", xcb_only=False),
    _lib("libzstd.so.1", "libzstd1", "libzstd", xcb_only=False),
    _lib("libGL.so.1", "libgl1", "libglvnd-glx", xcb_only=False),
    _lib("libEGL.so.1", "libegl1", "libglvnd-egl", xcb_only=False),
    _lib("libfontconfig.so.1", "libfontconfig1", "fontconfig", xcb_only=False),
    _lib("libfreetype.so.6", "libfreetype6", "freetype", xcb_only=False),
    _lib("libX11.so.6", "libx11-6", "libX11", xcb_only=False),
    _lib("libxkbcommon.so.0", "libxkbcommon0", "libxkbcommon", xcb_only=False),
    # the X11 (xcb) platform plugin
    _lib("libX11-xcb.so.1", "libx11-xcb1", "libX11-xcb"),
    _lib("libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "libxkbcommon-x11"),
    _lib("libxcb.so.1", "libxcb1", "libxcb"),
    _lib("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor"),
    _lib("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm"),
    _lib("libxcb-image.so.0", "libxcb-image0", "xcb-util-image"),
    _lib("libxcb-keysyms.so.1", "libxcb-keysyms1", "xcb-util-keysyms"),
    _lib("libxcb-randr.so.0", "libxcb-randr0", "libxcb"),
    _lib("libxcb-render.so.0", "libxcb-render0", "libxcb"),
    _lib("libxcb-render-util.so.0", "libxcb-render-util0", "xcb-util-renderutil"),
    _lib("libxcb-shape.so.0", "libxcb-shape0", "libxcb"),
    _lib("libxcb-shm.so.0", "libxcb-shm0", "libxcb"),
    _lib("libxcb-sync.so.1", "libxcb-sync1", "libxcb"),
    _lib("libxcb-util.so.1", "libxcb-util1", "xcb-util"),
    _lib("libxcb-xfixes.so.0", "libxcb-xfixes0", "libxcb"),
    _lib("libxcb-xkb.so.1", "libxcb-xkb1", "libxcb"),
)

Loader = Callable[[str], object]


def load_library(soname: str) -> object:
    """Load a shared library as Qt would (the dynamic loader's search); OSError if it cannot."""
    return ctypes.CDLL(soname)


def uses_xcb(environ: Mapping[str, str]) -> bool:
    """Whether Qt will use its X11 plugin: QT_QPA_PLATFORM says xcb, or says nothing and no
    Wayland session is running (Qt then tries xcb)."""
    platform = environ.get("QT_QPA_PLATFORM", "").strip().lower()
    if platform:
        return platform.split(":", 1)[0].split(";", 1)[0] == "xcb"
    return not environ.get("WAYLAND_DISPLAY")


def missing_libraries(
    environ: Mapping[str, str] | None = None,
    load: Loader | None = None,
    platform: str | None = None,
) -> list[SystemLibrary]:
    """The libraries the window needs here that cannot be loaded (none outside Linux)."""
    if not (platform or sys.platform).startswith("linux"):
        return []
    env = os.environ if environ is None else environ
    xcb = uses_xcb(env)
    load = load or load_library
    missing = []
    for library in LIBRARIES:
        if library.xcb_only and not xcb:
            continue
        try:
            load(library.soname)
        except OSError:
            missing.append(library)
    return missing


def _unique(names: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(names))


def describe_missing(missing: Sequence[SystemLibrary]) -> str:
    """What to tell the user: the missing libraries and the commands that install them."""
    names = ", ".join(library.soname for library in missing)
    debian = " ".join(_unique([library.debian for library in missing]))
    fedora = " ".join(_unique([library.fedora for library in missing]))
    return (
        "crm-desktop: the window cannot start: Qt needs system libraries that are not "
        f"installed: {names}.\n"
        "Install them (then start crm-desktop again):\n"
        f"  Debian, Ubuntu:  sudo apt-get install {debian}\n"
        f"  Fedora:          sudo dnf install {fedora}\n"
        "The commands (crm-desktop demo, import, export, report) work without them."
    )


def no_display(environ: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """Whether Qt would look for an X11 display and there is none to connect to."""
    env = os.environ if environ is None else environ
    if not (platform or sys.platform).startswith("linux"):
        return False
    return uses_xcb(env) and not env.get("DISPLAY")


NO_DISPLAY: Final = (
    "crm-desktop: the window cannot start: there is no graphical display (DISPLAY is not "
    "set). Start it from a desktop session, or use the commands (crm-desktop demo, import, "
    "export, report), which need no display."
)


def check_gui_environment(
    environ: Mapping[str, str] | None = None,
    load: Loader | None = None,
    platform: str | None = None,
) -> str | None:
    """None when the window can start here; otherwise the message to print."""
    missing = missing_libraries(environ, load, platform)
    if missing:
        return describe_missing(missing)
    if no_display(environ, platform):
        return NO_DISPLAY
    return None


__all__ = [
    "LIBRARIES",
    "SystemLibrary",
    "check_gui_environment",
    "describe_missing",
    "missing_libraries",
    "uses_xcb",
]
