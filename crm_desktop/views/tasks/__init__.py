"""The Tasks page (overdue, today, upcoming, done) and the reminders window."""
