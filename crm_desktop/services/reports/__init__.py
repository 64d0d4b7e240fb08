"""Sales reports (issue 4): aggregated in SQL, converted into one currency, as tables.

Each report is a function `xxx_report(sessions, filters) -> XxxReport` (a frozen
dataclass with `scope`, `currency`, its rows, and `table()`):

* `pipeline_report`: open deals per stage, raw and weighted;
* `forecast_report`: won and lost per month, open deals by expected close month;
* `funnel_report`: leads → qualified → deals → won, and stage-to-stage reach;
* `reps_report`: per owner, open pipeline, won value, win rate, days to close;
* `sources_report` and `events_report`: leads, deals, won value (events: cost, return).

`dashboard_reports` runs all six in one session; `deals_for` lists the deals behind a
bar; `resolve_filters` turns typed names into `ReportFilters`. Amounts with no exchange
rate into the default currency stay in `Money.unconverted`, never dropped.
"""

from crm_desktop.services.reports.dashboard import (
    Dashboard,
    Report,
    build_report,
    dashboard_reports,
    run_report,
)
from crm_desktop.services.reports.drilldown import (
    REPORT_KINDS,
    BarKey,
    DealLine,
    DealList,
    ReportKind,
    deals_for,
)
from crm_desktop.services.reports.events import EventsReport, EventValue, events_report
from crm_desktop.services.reports.filters import (
    ReportError,
    ReportFilters,
    ReportScope,
    resolve_filters,
)
from crm_desktop.services.reports.forecast import ForecastReport, MonthValue, forecast_report
from crm_desktop.services.reports.funnel import FunnelReport, FunnelStep, StageReach, funnel_report
from crm_desktop.services.reports.money import Money, RateBook
from crm_desktop.services.reports.pipeline import PipelineReport, StageValue, pipeline_report
from crm_desktop.services.reports.reps import RepsReport, RepValue, reps_report
from crm_desktop.services.reports.sources import SourcesReport, SourceValue, sources_report
from crm_desktop.services.reports.table import Cell, Table, TableColumn, format_cell

__all__ = [
    "REPORT_KINDS",
    "BarKey",
    "Cell",
    "Dashboard",
    "DealLine",
    "DealList",
    "EventValue",
    "EventsReport",
    "ForecastReport",
    "FunnelReport",
    "FunnelStep",
    "Money",
    "MonthValue",
    "PipelineReport",
    "RateBook",
    "RepValue",
    "Report",
    "ReportError",
    "ReportFilters",
    "ReportKind",
    "ReportScope",
    "RepsReport",
    "SourceValue",
    "SourcesReport",
    "StageReach",
    "StageValue",
    "Table",
    "TableColumn",
    "build_report",
    "dashboard_reports",
    "deals_for",
    "events_report",
    "forecast_report",
    "format_cell",
    "funnel_report",
    "pipeline_report",
    "reps_report",
    "resolve_filters",
    "run_report",
    "sources_report",
]
