"""CSV imports by domain: registrants from paper forms, transfers from HR."""
