"""Who reaches the reservation screens: none yet (the domain's screens come next)."""

from admin_app.permissions.rules import Rule

RULES: dict[str, Rule] = {}
