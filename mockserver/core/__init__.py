"""What the mock knows without HTTP: tokens, users, faults, lockout, clock, journal, shared state."""
