"""The import commands of the command line: import, imports, undo-import.

The same services the import wizard runs. `import` prints progress on stderr and a
summary on stdout (with the duplicates and possible duplicates per reason and what was
done with them), then every failed row (sheet row number, column, reason) and the phone
numbers kept as written because they are no valid number of their row's country; it
exits 0 when every row was accounted for and 2, with one line, when the file cannot be
read.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from crm_desktop.cli.common import ProgressLine, UsageError, one_line
from crm_desktop.models.database import open_database
from crm_desktop.models.sqlite_files import DatabaseFileInUse, refuse_database_file
from crm_desktop.services.imports.history import find_batch, list_batches
from crm_desktop.services.imports.plan import (
    DEFAULT_THRESHOLD,
    PlanError,
    mapping_json,
    read_mapping_file,
)
from crm_desktop.services.imports.run import ImportReport, resume_import, run_import
from crm_desktop.services.imports.source import ImportFileError
from crm_desktop.services.imports.undo import UndoError, preview_undo, undo_import
from crm_desktop.services.phone_country import country_code

FAILURES_SHOWN = 200
FLAGS_SHOWN = 20


class _Usage(Exception):
    pass


def run(args: argparse.Namespace) -> int:
    try:
        if args.command == "import":
            return _import(args, ProgressLine)
        if args.command == "imports":
            return _list(args)
        return _undo(args)
    except (ImportFileError, PlanError, UndoError, DatabaseFileInUse) as exc:
        print(f"crm-desktop: {one_line(str(exc))}", file=sys.stderr)
        return 2
    except _Usage as exc:
        raise UsageError(str(exc)) from exc


def _import(args: argparse.Namespace, progress_line: type) -> int:
    from crm_desktop.services.imports.prepare import prepare_import

    if args.resume and args.file:
        raise _Usage("give either a file or --resume ID, not both")
    if not args.resume and not args.file:
        raise _Usage("which file? (crm-desktop import FILE)")
    db = open_database(args.db)
    try:
        progress = progress_line()
        cancel = threading.Event()
        try:
            if args.resume:
                batch_id = find_batch(db.sessions, args.resume)
                report = resume_import(db.sessions, batch_id, progress, cancel)
            else:
                path = Path(args.file).expanduser()
                if not path.is_file():
                    raise ImportFileError(f"{path}: no such file")
                prepared = prepare_import(
                    db.sessions,
                    path,
                    args.target,
                    sheet=args.sheet,
                    encoding=args.encoding,
                    delimiter=args.delimiter,
                    header_row=args.header_row - 1 if args.header_row else None,
                    region=_region(args.region),
                )
                plan = replace(
                    prepared.plan,
                    on_duplicate=args.on_duplicate,
                    on_possible=args.on_possible_duplicate,
                    threshold=args.threshold or DEFAULT_THRESHOLD,
                )
                if args.date_order:
                    orders = {column: args.date_order for column in prepared.ambiguous_dates}
                    plan = replace(plan, date_orders={**plan.date_orders, **orders})
                if args.mapping:
                    plan = read_mapping_file(Path(args.mapping).expanduser(), plan)
                if args.save_mapping:
                    save_to = Path(args.save_mapping).expanduser()
                    refuse_database_file(save_to)  # never written over
                    save_to.write_text(
                        json.dumps(mapping_json(plan), ensure_ascii=False, indent=2) + "\n",
                        encoding="utf-8",
                    )
                _warn_ambiguous(prepared.ambiguous_dates, plan)
                report = run_import(db.sessions, plan, progress, cancel, dry_run=args.dry_run)
        finally:
            progress.finish()
    finally:
        db.dispose()
    _print_report(report)
    return 0


def _region(text: str | None) -> str | None:
    if not text:
        return None
    code = country_code(text)
    if code is None:
        raise _Usage(f"--region {text}: not a country (give a code such as US or DE)")
    return code


def _warn_ambiguous(ambiguous: Mapping[int, frozenset[str]], plan: object) -> None:
    headers = getattr(plan, "headers", ())
    orders = getattr(plan, "date_orders", {})
    for column in ambiguous:
        if column not in orders:
            name = headers[column] if column < len(headers) else f"column {column + 1}"
            print(
                f"crm-desktop: note: dates in {name!r} read both as day/month and month/day; "
                "rows where it matters are reported (choose with --date-order DMY or MDY)",
                file=sys.stderr,
            )


def _print_report(report: ImportReport) -> None:
    print(report.summary() + f" in {report.seconds:.1f} s.")
    if report.batch_id is not None:
        print(
            f"Import id: {report.batch_id} (undo with: crm-desktop undo-import {report.batch_id})"
        )
    for line in report.duplicates.lines():
        print(line)
    label = "card" if report.file_name.lower().endswith((".vcf", ".vcard")) else "row"
    for note in report.failures[:FAILURES_SHOWN]:
        print(f"  failed {label} {note.row}: {note.reason}")
    more = report.failed - min(len(report.failures), FAILURES_SHOWN)
    if more > 0:
        print(f"  … and {more:,} more failed {label}s (all are kept with the import)")
    if report.flagged:
        numbers = "phone number" if report.flagged == 1 else "phone numbers"
        print(
            f"{report.flagged:,} {numbers} of {report.file_name} not valid in the country "
            "they were read in, kept as written (choose the country with --region, or give "
            "the rows a Country column):"
        )
    for note in report.flags[:FLAGS_SHOWN]:
        print(f"  {report.file_name}, {label} {note.row}, {note.field}: {note.reason}")
    more = report.flagged - min(len(report.flags), FLAGS_SHOWN)
    if more > 0:
        print(f"  … and {more:,} more")


def _list(args: argparse.Namespace) -> int:
    db = open_database(args.db)
    try:
        batches = list_batches(db.sessions)
    finally:
        db.dispose()
    if not batches:
        print("No imports yet.")
    for batch in batches:
        print(batch.line())
    return 0


def _undo(args: argparse.Namespace) -> int:
    db = open_database(args.db)
    try:
        batch_id = find_batch(db.sessions, args.id)
        preview = preview_undo(db.sessions, batch_id)
        created = sum(preview.created.values())
        print(
            f"Import {batch_id} ({preview.file_name}, {preview.status}): removes "
            f"{created:,} records it created, restores {preview.updated:,} it changed."
        )
        if not _ask("Undo this import?", args.yes):
            print("Nothing changed.")
            return 0
        rule = "keep"
        if preview.conflict_count:
            print(f"{preview.conflict_count:,} of these records were edited after the import:")
            for conflict in preview.conflicts[:20]:
                print(f"  {conflict.table} {conflict.label!r} ({conflict.record_id})")
            if preview.conflict_count > 20:
                print(f"  … and {preview.conflict_count - 20:,} more")
            if _ask("Undo those too (their later edits are lost)?", args.yes):
                rule = "undo"
        progress = ProgressLine()
        try:
            report = undo_import(db.sessions, batch_id, conflicts=rule, progress=progress)  # type: ignore[arg-type]
        finally:
            progress.finish()
    finally:
        db.dispose()
    print(report.summary())
    return 0


def _ask(question: str, yes: bool) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        raise _Usage(f"{question} Cannot ask without a terminal: add --yes to answer yes")
    answer = input(f"{question} [y/N] ").strip().lower()
    return answer in ("y", "yes")
