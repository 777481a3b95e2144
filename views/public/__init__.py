"""The public site (no login) and the talent bank's back-office screen."""
