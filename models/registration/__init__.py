"""Registrations 利用登録: registrants, the trail, change notices, the field inventory."""
