"""Staff IDs: accounts and roles, grants, transfers, contractors, passwords, security events."""
