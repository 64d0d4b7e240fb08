"""The translations the window loads at start (built by scripts/translations.py).

English counts get their singular and plural from crm_en.qm ("1 record", "2 records");
a translation for the system's language, when the program has one, is installed over it.
Numbers shown with `%Ln` get the locale's thousands separators, also in the "C" locale.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

FOLDER = Path(__file__).resolve().parent.parent / "resources" / "translations"


def install_translations(app: QCoreApplication, locale: QLocale | None = None) -> list[QTranslator]:
    """Load crm_en.qm and the one for `locale` (default: the system's) into `app`."""
    locale = locale or QLocale.system()
    grouped = QLocale(locale)
    grouped.setNumberOptions(QLocale.NumberOption.DefaultNumberOptions)  # "1,000", even in C
    QLocale.setDefault(grouped)
    installed = []
    for name in ("crm_en", f"crm_{locale.name()}"):  # later ones take precedence
        translator = QTranslator(app)
        if (FOLDER / f"{name}.qm").is_file() and translator.load(name, str(FOLDER)):
            app.installTranslator(translator)
            installed.append(translator)
        if locale.language() == QLocale.Language.English:
            break
    return installed
