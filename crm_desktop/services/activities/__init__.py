"""Activities: calls, meetings, e-mails, notes and tasks, and everything built on them.

schedule   due times on the user's wall clock (today, tomorrow, next week, DST)
store      create, edit, check off, reschedule, reassign, delete
tasks      the Tasks page's lists: overdue, today, upcoming, done, per owner
reminders  what is due to remind, snooze, shown once
timeline   a record's history in time order: activities, stage changes, conversion, imports
facts      customer facts: last contact, next step, open and won value, purchase rhythm
"""

from crm_desktop.services.activities.schedule import Bucket, local_zone
from crm_desktop.services.activities.store import (
    ActivityDetail,
    ActivityInput,
    RecordRef,
    SavedActivity,
    delete_activity,
    load_activity,
    reassign,
    reschedule,
    save_activity,
    set_done,
)

__all__ = [
    "ActivityDetail",
    "ActivityInput",
    "Bucket",
    "RecordRef",
    "SavedActivity",
    "delete_activity",
    "load_activity",
    "local_zone",
    "reassign",
    "reschedule",
    "save_activity",
    "set_done",
]
