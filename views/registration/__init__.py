"""Counter screens for registrations: registrants, change notices, the field inventory."""
