"""What the package promises: an MIT program whose default install holds no GPL code."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from crm_desktop.services.email_files import MSG_REQUIREMENT

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
# GPL-licensed packages (and what pulls them in) that only an optional extra may bring.
GPL = ("extract-msg", "oletools", "pcodedmp")


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower()


def test_the_license_file_the_metadata_names_is_there_and_is_mit() -> None:
    assert PROJECT["license"] == "MIT"
    assert PROJECT["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) 2026 the crm-desktop authors\n")
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text


def test_the_default_install_and_the_test_tools_pull_no_gpl_package() -> None:
    extras = PROJECT["optional-dependencies"]
    for requirement in [*PROJECT["dependencies"], *extras["test"]]:
        assert _name(requirement) not in GPL, requirement
    assert extras["outlook"] == [MSG_REQUIREMENT]


def test_every_dependency_but_phonenumbers_has_an_upper_bound() -> None:
    for requirement in PROJECT["dependencies"]:
        if _name(requirement) == "phonenumbers":  # data updates users need: left open
            assert "<" not in requirement
        else:
            assert "<" in requirement, requirement


def test_the_readme_quick_start_installs_without_the_outlook_extra() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = next(line for line in readme.splitlines() if "pip install" in line)
    assert "outlook" not in first, first
    assert "[test,outlook]" in (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
