"""The dashboard: the reports a manager reads first, as charts with their tables."""

from crm_desktop.views.dashboard.dashboard_page import DashboardPage

__all__ = ["DashboardPage"]
