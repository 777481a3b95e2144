"""IT's screens: staff IDs, grants, transfers, contractors, the stale-ID dashboard."""
