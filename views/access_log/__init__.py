"""The chiefs' screens: the access log in words and review sign-offs."""
