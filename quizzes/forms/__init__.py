"""Forms, split by area."""
