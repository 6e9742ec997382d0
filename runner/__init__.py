"""Reference runner (issue 3)."""
