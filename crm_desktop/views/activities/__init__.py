"""Activities in the window: the activity dialog, a record's timeline and customer facts."""
