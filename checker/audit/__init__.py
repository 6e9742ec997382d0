"""The audit: what a round's rules cannot see but its review committee must (AUD codes)."""
