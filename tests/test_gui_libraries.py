"""The window's system libraries are checked before Qt loads, and a missing one is named
with the package that installs it (Qt itself would abort with a message about plugins)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crm_desktop import cli, gui_libraries
from crm_desktop.gui_libraries import (
    LIBRARIES,
    check_gui_environment,
    missing_libraries,
    uses_xcb,
)

X11 = {"DISPLAY": ":0"}
# The C and C++ runtimes: every Linux has them.
BASE = {"libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "ld-linux-x86-64.so.2"}


def _loader(missing: set[str]):  # type: ignore[no-untyped-def]
    def load(name: str) -> object:
        if name in missing:
            raise OSError(f"{name}: cannot open shared object file: No such file or directory")
        return object()

    return load


def test_a_missing_xcb_library_is_named_with_its_packages() -> None:
    message = check_gui_environment(
        X11, _loader({"libxcb-icccm.so.4", "libxcb-keysyms.so.1"}), "linux"
    )
    assert message is not None
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in message
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1\n" in message
    assert "sudo dnf install xcb-util-wm xcb-util-keysyms\n" in message


def test_every_library_loads_here_so_nothing_is_said() -> None:
    assert check_gui_environment(X11, _loader(set()), "linux") is None


def test_a_package_holding_two_missing_libraries_is_named_once() -> None:
    missing = missing_libraries(X11, _loader({"libxcb-shm.so.0", "libxcb-sync.so.1"}), "linux")
    message = gui_libraries.describe_missing(missing)
    assert "sudo dnf install libxcb\n" in message
    assert "sudo apt-get install libxcb-shm0 libxcb-sync1\n" in message


def test_on_wayland_or_offscreen_only_the_gui_libraries_count() -> None:
    load = _loader({"libxcb-icccm.so.4"})
    assert missing_libraries({"WAYLAND_DISPLAY": "wayland-0"}, load, "linux") == []
    assert missing_libraries({"QT_QPA_PLATFORM": "offscreen"}, load, "linux") == []
    assert missing_libraries({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "w"}, load, "linux")
    gl = missing_libraries({"QT_QPA_PLATFORM": "offscreen"}, _loader({"libGL.so.1"}), "linux")
    assert [library.debian for library in gl] == ["libgl1"]


def test_other_systems_are_not_checked() -> None:
    assert check_gui_environment({}, _loader({"libxcb.so.1"}), "win32") is None
    assert check_gui_environment({}, _loader({"libxcb.so.1"}), "darwin") is None


def test_no_display_is_said_plainly() -> None:
    message = check_gui_environment({}, _loader(set()), "linux")
    assert message is not None and "DISPLAY is not set" in message
    assert check_gui_environment({"QT_QPA_PLATFORM": "offscreen"}, _loader(set()), "linux") is None


def test_xcb_is_used_unless_the_environment_says_otherwise() -> None:
    assert uses_xcb({})
    assert uses_xcb({"QT_QPA_PLATFORM": "xcb:nomitshm"})
    assert not uses_xcb({"QT_QPA_PLATFORM": "wayland"})
    assert not uses_xcb({"WAYLAND_DISPLAY": "wayland-0"})


def test_the_window_is_not_started_when_a_library_is_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import crm_desktop.app

    started: list[object] = []
    monkeypatch.setattr(crm_desktop.app, "run_gui", lambda url: started.append(url) or 0)
    monkeypatch.setattr(gui_libraries.sys, "platform", "linux")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(gui_libraries, "load_library", _loader({"libxcb-icccm.so.4"}))
    assert cli.main([]) == 1
    assert started == []
    err = capsys.readouterr().err
    assert "libxcb-icccm.so.4" in err and "sudo apt-get install libxcb-icccm4" in err


def _needed(path: Path) -> set[str]:
    out = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True, check=True)
    return {
        line.split()[1] for line in out.stdout.splitlines() if line.strip().startswith("NEEDED")
    }


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux libraries")
@pytest.mark.skipif(shutil.which("objdump") is None, reason="needs objdump (binutils)")
def test_the_table_holds_every_library_the_installed_qt_links() -> None:
    spec = importlib.util.find_spec("PySide6")
    assert spec is not None and spec.submodule_search_locations
    qt = Path(next(iter(spec.submodule_search_locations))) / "Qt"
    binaries = [
        qt / "plugins" / "platforms" / "libqxcb.so",
        *(qt / "lib" / f"libQt6{name}.so.6" for name in ("Core", "Gui", "Widgets", "XcbQpa")),
    ]
    bundled = {path.name for path in (qt / "lib").iterdir()}
    needed = set().union(*(_needed(path) for path in binaries)) - BASE - bundled
    assert needed == {library.soname for library in LIBRARIES}
