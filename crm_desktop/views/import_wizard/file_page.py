"""Step 1: pick or drop a file, see how it reads, choose sheet, target and header row.

Every change (encoding, delimiter, sheet, target, header row) prepares the file again
in the background; a newer request makes older answers void. An unreadable file shows
its one-line reason on the page.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from crm_desktop.services.imports.fields import TARGETS
from crm_desktop.services.imports.prepare import (
    Prepared,
    with_header_row,
    with_target,
)
from crm_desktop.services.imports.source import FileInfo
from crm_desktop.views.drop import dropped_paths
from crm_desktop.views.import_wizard.defaults_box import DefaultsBox
from crm_desktop.views.import_wizard.labels import (
    delimiters,
    encoding_label,
    encodings,
    field_label,
    target_label,
)
from crm_desktop.views.import_wizard.preview_models import PreviewTableModel
from crm_desktop.views.import_wizard.reading import (
    WORKBOOKS,
    Unreadable,
    read_file,
    size_text,
    typed_path,
)
from crm_desktop.views.import_wizard.state import (
    CHECK_PAGE,
    ERROR_STYLE,
    MAPPING_PAGE,
    OPEN_FILTER,
    Choices,
    Refused,
    WizardState,
    attempt,
)
from crm_desktop.views.region_combo import RegionCombo
from crm_desktop.views.worker import run_in_background


class FilePage(QWizardPage):
    def __init__(self, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.busy = False
        self._generation = 0
        self._updating = False
        self.path: Path | None = None
        self._format = ""  # of the file as last read
        self._region = ""  # the phone country the user chose here ("" = the setting's)
        self.setTitle(self.tr("Choose a file"))
        self.setSubTitle(
            self.tr(
                "Excel (xlsx, xlsm, xls), OpenDocument (ods), CSV or text tables, and vCard "
                "files. Choose one or drop it here."
            )
        )
        self.setAcceptDrops(True)
        self._build()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("importPath")
        self.path_edit.setPlaceholderText(
            self.tr("Type or paste the file's path and press Enter, choose a file, or drop it")
        )
        self.path_edit.setClearButtonEnabled(True)
        self.path_edit.editingFinished.connect(self._on_path_edit_editing_finished)
        self.choose_button = QPushButton(self.tr("&Choose file…"))
        self.choose_button.setObjectName("chooseFile")
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.choose_button)

        self.info_label = QLabel()
        self.info_label.setObjectName("fileInfo")
        self.error_label = QLabel()
        self.error_label.setObjectName("fileError")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

        self.encoding_combo = QComboBox()
        self.encoding_combo.setObjectName("encodingCombo")
        for codec, name in encodings():
            self.encoding_combo.addItem(name, codec)
        self.delimiter_combo = QComboBox()
        self.delimiter_combo.setObjectName("delimiterCombo")
        for char, name in delimiters():
            self.delimiter_combo.addItem(name, char)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setObjectName("sheetCombo")
        self.sheet_combo.setMinimumContentsLength(16)
        self.target_combo = QComboBox()
        self.target_combo.setObjectName("targetCombo")
        for target in TARGETS:
            self.target_combo.addItem(target_label(target), target)
        self.target_combo.setCurrentIndex(TARGETS.index("contacts"))
        self.header_spin = QSpinBox()
        self.header_spin.setObjectName("headerRowSpin")
        self.header_spin.setRange(1, 1)
        self.header_spin.setKeyboardTracking(False)
        self.header_spin.setToolTip(
            self.tr("The row that names the columns; rows above it are left out")
        )
        self.region_combo = RegionCombo()
        self.region_combo.setObjectName("regionCombo")
        self.region_combo.setToolTip(
            self.tr(
                "Phone numbers without +code are read as numbers of this country, unless "
                "their row names its own (a Country column, or a +code in another number). "
                "A number that is no valid number there is kept as written and flagged."
            )
        )

        options = QGroupBox(self.tr("How to read it"))
        grid = QGridLayout(options)
        self._option_labels: dict[QWidget, QLabel] = {}
        placed = (
            (0, 0, self.tr("&Import into:"), self.target_combo),
            (0, 2, self.tr("&Header row:"), self.header_spin),
            (1, 0, self.tr("E&ncoding:"), self.encoding_combo),
            (1, 2, self.tr("&Delimiter:"), self.delimiter_combo),
            (2, 0, self.tr("S&heet:"), self.sheet_combo),
            (2, 2, self.tr("&Phone numbers from:"), self.region_combo),
        )
        for row, column, text, widget in placed:
            label = QLabel(text)
            label.setBuddy(widget)
            self._option_labels[widget] = label
            grid.addWidget(label, row, column)
            grid.addWidget(widget, row, column + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        self.model = PreviewTableModel(self)
        self.preview = QTableView()
        self.preview.setTabKeyNavigation(False)  # Tab moves on to the next field
        self.preview.setObjectName("previewTable")
        self.preview.setModel(self.model)
        self.preview.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setWordWrap(False)
        self.preview.horizontalHeader().setMaximumSectionSize(260)
        self.preview.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.preview.clicked.connect(self._on_preview_clicked)
        self.preview_hint = QLabel(self.tr("Click a row to take it as the header row."))
        self.preview_hint.setObjectName("previewHint")

        self.vcf_note = QLabel(
            self.tr(
                "A vCard file says what each value is: no columns to map. Each card "
                "becomes one person."
            )
        )
        self.vcf_note.setWordWrap(True)
        # vCards have no mapping page: their event, source, owner and tags are chosen here.
        self.vcf_defaults = DefaultsBox()
        self.vcf_defaults.setObjectName("vcfDefaultsBox")
        self.drop_hint = QLabel(
            self.tr("Drop a spreadsheet, CSV or vCard file here,\nor choose one.")
        )
        self.drop_hint.setObjectName("dropHint")
        self.drop_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop_hint.setStyleSheet(
            "QLabel#dropHint { border: 2px dashed #9aa5b1; border-radius: 8px; color: #5f6b7a;"
            " font-size: 15px; padding: 24px; }"
        )

        layout = QVBoxLayout(self)
        layout.addLayout(path_row)
        layout.addWidget(self.info_label)
        layout.addWidget(self.error_label)
        layout.addWidget(options)
        layout.addWidget(self.preview_hint)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.drop_hint, 1)
        layout.addWidget(self.vcf_note)
        layout.addWidget(self.vcf_defaults)

        self.encoding_combo.currentIndexChanged.connect(self._on_reading_changed)
        self.delimiter_combo.currentIndexChanged.connect(self._on_reading_changed)
        self.sheet_combo.currentIndexChanged.connect(self._on_reading_changed)
        self.target_combo.currentIndexChanged.connect(self._on_target_combo_changed)
        self.region_combo.currentIndexChanged.connect(self._on_region_combo_changed)
        self.header_spin.valueChanged.connect(self._on_header_spin_value_changed)
        self._show_prepared(None)

    # ------------------------------------------------------------------ choosing a file

    def set_path(self, path: Path) -> None:
        """Read this file (chosen, dropped, or given when the wizard opened)."""
        self.path = Path(path)
        self._format = ""
        self.path_edit.setText(str(self.path))
        self._prepare(encoding=None, delimiter=None, sheet=None)

    def _on_path_edit_editing_finished(self) -> None:
        """A typed or pasted path: read it as a chosen file (the services refuse the
        database's own files, by name and by identity, without opening them)."""
        path = typed_path(self.path_edit.text())
        if path is None or path == self.path:
            return
        if not path.is_file():
            where = str(path)
            message = (
                self.tr("%1 is a folder: type the path of a file in it.")
                if path.is_dir()
                else self.tr("There is no file %1.")
            ).replace("%1", where)
            self.error_label.setText(message)
            self.error_label.show()
            return
        self.set_path(path)

    def _on_choose_button_clicked(self) -> None:
        path = self.state.files.open_file(self, self.tr("Import a file"), OPEN_FILTER)
        if path is not None:
            self.set_path(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.set_path(paths[0])

    # ------------------------------------------------------------------ preparing

    def target(self) -> str:
        return str(self.target_combo.currentData())

    def set_target(self, target: str) -> None:
        """What "Import into" starts at (the page the wizard was opened from)."""
        index = self.target_combo.findData(target)
        if index >= 0:
            self.target_combo.setCurrentIndex(index)

    def _prepare(
        self, encoding: str | None = None, delimiter: str | None = None, sheet: str | None = None
    ) -> None:
        if self.path is None:
            return
        self._start(
            read_file,
            path=self.path,
            target=self.target(),
            sheet=sheet,
            encoding=encoding,
            delimiter=delimiter,
        )

    def _start(self, fn: Any, **kwargs: Any) -> None:
        self._generation += 1
        generation = self._generation
        self._set_busy(True)
        self.info_label.setText(
            self.tr("Reading %1…").replace("%1", self.path.name if self.path else "")
        )
        self.info_label.show()
        run_in_background(
            attempt,
            parent=self,
            on_done=lambda result: self._on_prepared(generation, result),
            on_error=lambda message, _trace: self._on_failed(generation, message),
            service=fn,
            sessions=self.state.sessions,
            **kwargs,
        )

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.completeChanged.emit()

    def _on_prepared(self, generation: int, result: Prepared | Refused) -> None:
        if generation != self._generation:
            return  # the user asked for something newer meanwhile
        self._set_busy(False)
        if isinstance(result, Refused):
            self.state.prepared = self.state.plan = None
            info = result.info if isinstance(result, Unreadable) else None
            self._show_prepared(None, result.message, info)
        else:
            if self._region:  # chosen here: a file read again keeps it
                result = replace(result, plan=replace(result.plan, region=self._region))
            self.state.prepared = result
            self.state.plan = result.plan
            self._show_prepared(result)
        self.completeChanged.emit()

    def _on_failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self._set_busy(False)
        self.state.prepared = self.state.plan = None
        self._show_prepared(None, message)
        self.state.show_error(
            self, self.tr("Import"), self.tr("The file was not read: %1").replace("%1", message)
        )

    # ------------------------------------------------------------------ showing it

    def _format_name(self, fmt: str) -> str:
        return {
            "xlsx": self.tr("Excel workbook"),
            "xls": self.tr("Excel 97-2003 workbook"),
            "ods": self.tr("OpenDocument spreadsheet"),
            "csv": self.tr("Text table"),
            "vcf": self.tr("vCard address book"),
        }.get(fmt, fmt)

    def _show_options(self, fmt: str) -> None:
        """The reading options this format has (an unreadable file keeps the last ones)."""
        for widget, visible in (
            (self.encoding_combo, fmt in ("csv", "vcf")),
            (self.delimiter_combo, fmt == "csv"),
            (self.sheet_combo, fmt in WORKBOOKS),
            (self.header_spin, fmt not in ("vcf", "")),
        ):
            widget.setVisible(visible)
            self._option_labels[widget].setVisible(visible)
        vcf = fmt == "vcf"
        self.preview.setVisible(fmt != "")  # a vCard file's first cards, as a sheet's rows
        self.preview_hint.setVisible(fmt not in ("vcf", ""))
        self.drop_hint.setVisible(fmt == "")
        self.vcf_note.setVisible(vcf)
        self.vcf_defaults.setVisible(vcf)

    def _show_prepared(
        self, prepared: Prepared | None, error: str = "", info: FileInfo | None = None
    ) -> None:
        self._updating = True
        try:
            self.error_label.setText(error)
            self.error_label.setVisible(bool(error))
            if prepared is None:
                self.model.set_preview([], 0)
                if info is not None:
                    self._show_info(info, self.sheet_combo.currentData())
                else:
                    self.info_label.clear()
                    self.info_label.hide()
                    self._show_options(self._format)  # a file read before keeps its options
                return
            plan = prepared.plan
            self._show_info(prepared.info, plan.sheet)
            self._select_data(self.target_combo, plan.target)
            self.region_combo.set_region(plan.region)
            if plan.format == "vcf":
                self.vcf_defaults.set_target(plan.target)
                if self.state.choices is not None:
                    self.vcf_defaults.set_choices(self.state.choices)
            if prepared.cards is not None:  # a vCard file: the fields read from its first cards
                cards = prepared.cards
                labels = [field_label(label) for label in cards.labels]
                self.model.set_preview([labels, *cards.rows], 0)
            else:
                self.model.set_preview(prepared.preview, plan.header_row)
            self.header_spin.setRange(1, max(1, len(prepared.preview)))
            self.header_spin.setValue(plan.header_row + 1)
            self.preview.resizeColumnsToContents()
            self.preview.scrollTo(self.model.index(plan.header_row, 0))
        finally:
            self._updating = False

    def _show_info(self, info: FileInfo, sheet: str | None) -> None:
        """What the file is and how it is read: format, size, encoding, delimiter, sheets."""
        self._format = info.format
        self._show_options(info.format)
        self.info_label.setText(
            self.tr("%1: %2, %3")
            .replace("%1", info.path.name)
            .replace("%2", self._format_name(info.format))
            .replace("%3", size_text(info.size))
        )
        self.info_label.show()
        if info.format in ("csv", "vcf"):
            self._select_data(self.encoding_combo, info.encoding, encoding_label(info.encoding))
        if info.format == "csv":
            self._select_data(self.delimiter_combo, info.delimiter)
        if info.format in WORKBOOKS:
            self.sheet_combo.clear()
            self.sheet_combo.addItem(self.tr("First sheet with data"), None)
            for name in info.sheets:
                self.sheet_combo.addItem(name, name)
            self.sheet_combo.setCurrentIndex(max(self.sheet_combo.findData(sheet), 0))

    @staticmethod
    def _select_data(combo: QComboBox, value: object, label: str | None = None) -> None:
        index = combo.findData(value)
        if index < 0:
            combo.addItem(label or str(value), value)  # detected, not one of the usual choices
            index = combo.count() - 1
        combo.setCurrentIndex(index)

    # ------------------------------------------------------------------ the user changes it

    def _on_reading_changed(self, _index: int) -> None:
        """Encoding, delimiter or sheet changed: read the file again that way."""
        if self._updating or self.path is None:
            return
        fmt = self._format
        self._prepare(
            encoding=self.encoding_combo.currentData() if fmt in ("csv", "vcf") else None,
            delimiter=self.delimiter_combo.currentData() if fmt == "csv" else None,
            sheet=self.sheet_combo.currentData() if fmt in WORKBOOKS else None,
        )

    def _on_target_combo_changed(self, _index: int) -> None:
        if self._updating:
            return
        prepared = self.state.prepared
        if prepared is None:
            self._on_reading_changed(-1)  # not read yet (or refused): read it for this target
        else:
            self._start(with_target, prepared=prepared, target=self.target())

    def _on_region_combo_changed(self, _index: int) -> None:
        region = self.region_combo.region()
        prepared, plan = self.state.prepared, self.state.plan
        if not region or prepared is None or plan is None:
            return
        self._region = region
        self.state.plan = replace(plan, region=region)
        self.state.prepared = replace(prepared, plan=replace(prepared.plan, region=region))

    def _on_header_spin_value_changed(self, value: int) -> None:
        if self._updating or self.state.prepared is None:
            return
        self.model.set_header_row(value - 1)
        self._start(with_header_row, prepared=self.state.prepared, row=value - 1)

    def _on_preview_clicked(self, index: Any) -> None:
        if index.isValid() and self._format != "vcf":  # a card file's first row is its labels
            self.header_spin.setValue(index.row() + 1)

    # ------------------------------------------------------------------ QWizardPage

    def isComplete(self) -> bool:
        return not self.busy and self.state.prepared is not None

    def nextId(self) -> int:
        """vCards say what each value is: no mapping step."""
        plan = self.state.plan
        return CHECK_PAGE if plan is not None and plan.format == "vcf" else MAPPING_PAGE

    def validatePage(self) -> bool:
        plan = self.state.plan
        if plan is not None and plan.format == "vcf":
            self.state.plan = replace(plan, defaults=self.vcf_defaults.defaults())
        return plan is not None

    def set_choices(self, choices: Choices) -> None:
        """Existing events, sources and users, for the vCard values box."""
        self.vcf_defaults.set_choices(choices)
