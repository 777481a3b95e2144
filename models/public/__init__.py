"""What residents see without logging in: circles, the talent bank, and what may be published."""
