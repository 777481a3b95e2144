"""The access log, its hash chain and checkpoints, and the chiefs' review sign-offs."""
