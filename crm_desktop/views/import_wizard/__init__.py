"""The import wizard (File ▸ Import…) and the import history (File ▸ Import history…)."""

from crm_desktop.views.import_wizard.history_dialog import ImportHistoryDialog
from crm_desktop.views.import_wizard.state import FileChooser, QtFileChooser
from crm_desktop.views.import_wizard.wizard import ImportWizard

__all__ = ["FileChooser", "ImportHistoryDialog", "ImportWizard", "QtFileChooser"]
