"""Results-table and site builder (issue 4)."""
