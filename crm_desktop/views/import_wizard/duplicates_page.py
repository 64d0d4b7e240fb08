"""Step 4: what to do with rows that match a record, and a read-only pass that lists them.

Two rules: one for duplicates (the same e-mail or mobile as a record or an earlier row),
one for possible duplicates (a close name at the same company with nothing conflicting,
or one shared e-mail or mobile and one that differs: created unless the user says
otherwise). "Find duplicates" reads the file and matches it exactly as the import will,
writing nothing and locking nothing (find_duplicate_pairs), and lists each matching row
with what it matches, why, and whether it is a duplicate or a possible one, and the rows
the import would refuse (unknown owner or stage). Under "Review each pair" the selected
pair shows field by field; the user merges it (choosing which fields to take from the
file), creates a new record, or skips it. Decisions go to plan.reviews.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Literal, cast

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from crm_desktop.services.imports.plan import (
    ON_DUPLICATE,
    ON_POSSIBLE,
    ImportPlan,
    OnDuplicate,
    OnPossible,
    Review,
)
from crm_desktop.services.imports.review import DuplicatePair, PairsReport, find_duplicate_pairs
from crm_desktop.views.import_wizard.check_models import NoteTableModel
from crm_desktop.views.import_wizard.labels import (
    duplicate_counts_text,
    possible_rule_label,
    rule_label,
)
from crm_desktop.views.import_wizard.progress_row import ProgressRow
from crm_desktop.views.import_wizard.review_models import FieldPairTableModel, PairTableModel
from crm_desktop.views.import_wizard.state import WizardState
from crm_desktop.views.worker import Task, run_in_background

_ACTIONS = ("merge", "create", "skip")


def _pairs_key(plan: ImportPlan) -> ImportPlan:
    """What the pairs found depend on: everything but the decisions (the rules too: a row
    merged or created is matched by the rows after it, a skipped one is not)."""
    return replace(plan, reviews={})


def _table(model: object, name: str) -> QTableView:
    table = QTableView()
    table.setTabKeyNavigation(False)  # Tab moves on to the next field
    table.setObjectName(name)
    table.setModel(model)  # type: ignore[arg-type]
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class DuplicatesPage(QWizardPage):
    def __init__(self, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.task: Task | None = None
        self.report: PairsReport | None = None
        self._found_for: ImportPlan | None = None
        self._looking_for: ImportPlan | None = None
        self.setTitle(self.tr("Duplicates"))
        self.setSubTitle(
            self.tr(
                # Two lines at most: QWizard cuts a longer subtitle.
                "Same e-mail or mobile as a record or an earlier row: a duplicate. A close "
                "name at the same company with no other e-mail or mobile, or only one of the "
                "two the same: a possible duplicate."
            )
        )
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("&Import"))
        self._build()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        rule_box = QGroupBox(self.tr("When a row matches a record"))
        rules = QGridLayout(rule_box)
        self.rule_group = QButtonGroup(self)
        self.rule_buttons: dict[str, QRadioButton] = {}
        for number, rule in enumerate(ON_DUPLICATE):
            button = QRadioButton(rule_label(rule))
            button.setObjectName(f"rule_{rule}")
            self.rule_group.addButton(button, number)
            self.rule_buttons[rule] = button
            rules.addWidget(button, number % 3, number // 3)
        self.rule_group.idToggled.connect(self._on_rule_group_id_toggled)
        possible_box = QGroupBox(self.tr("When a row may be the same person"))
        possible_layout = QVBoxLayout(possible_box)
        self.possible_group = QButtonGroup(self)
        self.possible_buttons: dict[str, QRadioButton] = {}
        for number, choice in enumerate(ON_POSSIBLE):
            button = QRadioButton(possible_rule_label(choice))
            button.setObjectName(f"possible_{choice}")
            self.possible_group.addButton(button, number)
            self.possible_buttons[choice] = button
            possible_layout.addWidget(button)
        self.possible_group.idToggled.connect(self._on_rule_group_id_toggled)
        self.threshold_spin = QSpinBox()
        self.threshold_spin.setObjectName("thresholdSpin")
        self.threshold_spin.setRange(50, 100)
        self.threshold_spin.setSuffix(" %")
        self.threshold_spin.setToolTip(
            self.tr("How alike two names at the same company must be to be a possible duplicate")
        )
        threshold_label = QLabel(self.tr("Name &similarity:"))
        threshold_label.setBuddy(self.threshold_spin)
        rules.addWidget(threshold_label, 2, 1, Qt.AlignmentFlag.AlignRight)
        rules.addWidget(self.threshold_spin, 2, 2)
        rules.setColumnStretch(3, 1)

        self.find_button = QPushButton(self.tr("&Find duplicates"))
        self.find_button.setObjectName("findDuplicates")
        self.find_button.clicked.connect(self._on_find_button_clicked)
        self.found_label = QLabel()
        self.found_label.setObjectName("foundLabel")
        self.found_label.setWordWrap(True)
        find_row = QHBoxLayout()
        find_row.addWidget(self.find_button)
        find_row.addWidget(self.found_label, 1)
        self.progress = ProgressRow()

        self.pair_model = PairTableModel(self)
        self.pair_table = _table(self.pair_model, "pairTable")
        self.pair_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.pair_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        selection = self.pair_table.selectionModel()
        selection.selectionChanged.connect(self._on_pair_selection_changed)
        self.field_model = FieldPairTableModel(self)
        self.field_model.take_changed.connect(self._on_field_model_take_changed)
        self.field_table = _table(self.field_model, "fieldTable")
        header = self.field_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for column in (FieldPairTableModel.FILE, FieldPairTableModel.RECORD):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.decision_group = QButtonGroup(self)
        self.decision_buttons: dict[str, QRadioButton] = {}
        decisions = QHBoxLayout()
        self.decision_label = QLabel(self.tr("This pair:"))
        decisions.addWidget(self.decision_label)
        texts = {
            "merge": self.tr("&Merge into the record"),
            "create": self.tr("Create &new"),
            "skip": self.tr("S&kip the row"),
        }
        for number, action in enumerate(_ACTIONS):
            button = QRadioButton(texts[action])
            button.setObjectName(f"decision_{action}")
            self.decision_group.addButton(button, number)
            self.decision_buttons[action] = button
            decisions.addWidget(button)
        decisions.addStretch(1)
        self.decision_group.idClicked.connect(self._on_decision_group_id_clicked)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addLayout(decisions)
        side_layout.addWidget(self.field_table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.pair_table)
        splitter.addWidget(side)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([130, 390])

        self.failure_model = NoteTableModel(self)
        self.failure_table = _table(self.failure_model, "failureTable")
        self.tabs = QTabWidget()
        self.tabs.addTab(splitter, self.tr("Duplicates"))
        self.tabs.addTab(self.failure_table, self.tr("Rows that would fail"))

        rule_row = QHBoxLayout()
        rule_row.addWidget(rule_box, 3)
        rule_row.addWidget(possible_box, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(rule_row)
        layout.addLayout(find_row)
        layout.addWidget(self.progress)
        layout.addWidget(self.tabs, 1)

    # ------------------------------------------------------------------ showing

    def initializePage(self) -> None:
        plan = self.state.require_plan()
        self.threshold_spin.setValue(plan.threshold)  # first: a rule toggled stores it too
        self.rule_buttons[plan.on_duplicate].setChecked(True)
        self.possible_buttons[plan.on_possible].setChecked(True)
        if self._found_for != _pairs_key(plan):
            self.report = None
            self.pair_model.set_pairs([], {})
            self.failure_model.set_rows([])
            self._update_tabs()
        self._show_pair()
        if self.report is None and self.task is None:
            # The mapping is settled: count the duplicates now, in the background (read-only,
            # with progress and Stop), so nobody has to ask for it.
            self.look_for_duplicates()

    def cleanupPage(self) -> None:
        self._drop_pass()
        self._store_rule()

    def _drop_pass(self) -> None:
        """Stop a pass still looking; its answer is not wanted (coming back starts anew)."""
        if self.task is not None:
            self.progress.cancel()
            self.progress.finish()
            self.task = None
            self._looking_for = None
            self.find_button.setEnabled(True)

    def rule(self) -> OnDuplicate:
        button = self.rule_group.checkedButton()
        for rule, candidate in self.rule_buttons.items():
            if candidate is button:
                return cast(OnDuplicate, rule)
        return "skip"

    def possible_rule(self) -> OnPossible:
        button = self.possible_group.checkedButton()
        for rule, candidate in self.possible_buttons.items():
            if candidate is button:
                return cast(OnPossible, rule)
        return "create"

    def _store_rule(self) -> None:
        self.state.plan = replace(
            self.state.require_plan(),
            on_duplicate=self.rule(),
            on_possible=self.possible_rule(),
            threshold=self.threshold_spin.value(),
        )

    def _on_rule_group_id_toggled(self, _id: int, checked: bool) -> None:
        if not checked or self.state.plan is None:
            return
        self._store_rule()
        reviewing = self.rule() == "review"
        self.pair_model.set_rules(self.rule(), self.possible_rule())
        self._show_pair()
        if not self.isVisible():
            return
        # The list shows what the import will do under the rules: a new rule, a new pass.
        stale = self._found_for != _pairs_key(self.state.require_plan())
        if stale and (self.report is not None or self.task is not None or reviewing):
            self.look_for_duplicates()

    def _update_tabs(self) -> None:
        self.tabs.setTabText(
            0, self.tr("Duplicates (%1)").replace("%1", f"{self.pair_model.rowCount():,}")
        )
        self.tabs.setTabText(
            1,
            self.tr("Rows that would fail (%1)").replace(
                "%1", f"{self.failure_model.rowCount():,}"
            ),
        )

    # ------------------------------------------------------------------ finding

    def look_for_duplicates(self) -> None:
        self._store_rule()
        plan = self.state.require_plan()
        if self.task is not None:
            self.task.cancel.set()
        self.find_button.setEnabled(False)
        self.found_label.setText(self.tr("Looking for duplicates (nothing is written)…"))
        self._looking_for = _pairs_key(plan)
        self.task = run_in_background(
            find_duplicate_pairs,
            parent=self,
            with_progress=True,
            on_done=partial(self._on_found, plan),
            on_error=partial(self._on_find_failed, plan),
            on_progress=self.progress.update_progress,
            sessions=self.state.sessions,
            plan=plan,
        )
        self.progress.start(self.task.cancel, self.tr("Looking for duplicates…"))
        self.completeChanged.emit()

    def _on_find_button_clicked(self) -> None:
        self.look_for_duplicates()

    def _on_found(self, plan: ImportPlan, report: PairsReport) -> None:
        if _pairs_key(plan) != self._looking_for:
            return  # a pass another one replaced: its result is not wanted
        self.task = None
        self.progress.finish()
        self.find_button.setEnabled(True)
        self.report = report
        self._found_for = _pairs_key(plan)
        current = self.state.require_plan()
        self.pair_model.set_pairs(report.pairs, current.reviews)
        self.pair_model.set_rules(self.rule(), self.possible_rule())
        self.failure_model.set_rows(report.failures)
        for table in (self.pair_table, self.failure_table):
            table.resizeColumnsToContents()
        self._update_tabs()
        in_db = sum(1 for p in report.pairs if p.earlier_row is None)
        text = self.tr(
            "%1 of %2 rows match: %3 a record in the CRM, %4 an earlier row. As the rules stand:"
        )
        text = (
            text.replace("%1", f"{report.total:,}")
            .replace("%2", f"{report.rows:,}")
            .replace("%3", f"{in_db:,}")
            .replace("%4", f"{len(report.pairs) - in_db:,}")
        )
        counts = duplicate_counts_text(report.duplicates)
        text = f"{text}\n{counts}" if counts else text.removesuffix(" As the rules stand:")
        if report.cancelled:
            text = self.tr("Stopped: only part of the file was looked at.") + " " + text
        if report.total > len(report.pairs):
            text += " " + self.tr("The first %1 are listed.").replace(
                "%1", f"{len(report.pairs):,}"
            )
        if report.failures:
            text += " " + self.tr(
                "%n row(s) would fail: see the second tab.", "", len(report.failures)
            )
        self.found_label.setText(text)
        if report.pairs:
            self.pair_table.selectRow(0)
        self.completeChanged.emit()

    def _on_find_failed(self, plan: ImportPlan, message: str, _trace: str) -> None:
        if _pairs_key(plan) != self._looking_for:
            return
        self.task = None
        self.progress.finish()
        self.find_button.setEnabled(True)
        self.found_label.setText(
            self.tr("Duplicates were not looked for: %1").replace("%1", message)
        )
        self.completeChanged.emit()
        self.state.show_error(self, self.tr("Duplicates"), message)

    # ------------------------------------------------------------------ reviewing

    def selected_row(self) -> int:
        rows = self.pair_table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def selected_pair(self) -> DuplicatePair | None:
        return self.pair_model.row_at(self.selected_row())

    def _on_pair_selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        self._show_pair()

    def _show_pair(self) -> None:
        """The selected pair side by side, with its decision."""
        pair = self.selected_pair()
        review = self.pair_model.reviews.get(pair.row) if pair is not None else None
        reviewing = self.rule() == "review"
        self.field_model.set_pair(
            pair,
            review.take_file if review else frozenset(),
            reviewing,
            self.state.require_plan().target,
        )
        self.field_table.resizeColumnToContents(FieldPairTableModel.FIELD)
        self.field_table.resizeColumnToContents(FieldPairTableModel.TAKE)
        self._show_decision()

    def _show_decision(self) -> None:
        pair = self.selected_pair()
        reviewing = self.rule() == "review" and pair is not None
        review = self.pair_model.reviews.get(pair.row) if pair is not None else None
        for button in self.decision_buttons.values():
            button.setEnabled(reviewing)
        self.decision_label.setEnabled(reviewing)
        action = review.action if review else self.pair_model.rule_action(pair)
        self.decision_group.setExclusive(False)
        for name, button in self.decision_buttons.items():
            button.setChecked(pair is not None and name == action)
        self.decision_group.setExclusive(True)

    def decide(self, action: str, take_file: frozenset[str] | None = None) -> None:
        """The user's decision on the selected pair (Merge / Create new / Skip)."""
        row = self.selected_row()
        pair = self.pair_model.row_at(row)
        if pair is None:
            return
        if take_file is None:
            old = self.pair_model.reviews.get(pair.row)
            take_file = old.take_file if old is not None and action == "merge" else frozenset()
        if action != "merge":
            take_file = frozenset()
        review = Review(cast(Literal["skip", "create", "merge"], action), take_file)
        self.pair_model.set_review(row, review)
        plan = self.state.require_plan()
        self.state.plan = replace(plan, reviews={**plan.reviews, pair.row: review})
        self.field_model.set_take_file(take_file)
        self._show_decision()

    def _on_decision_group_id_clicked(self, number: int) -> None:
        self.decide(_ACTIONS[number])

    def _on_field_model_take_changed(self, take_file: frozenset[str]) -> None:
        self.decide("merge", frozenset(take_file))

    # ------------------------------------------------------------------ QWizardPage

    def isComplete(self) -> bool:
        # Reviewing needs the pairs; otherwise the import need not wait for the count.
        return self.task is None or self.rule() != "review"

    def validatePage(self) -> bool:
        self._drop_pass()  # a pass still counting: the import itself does the work
        self._store_rule()
        return True
