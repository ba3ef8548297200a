"""Call-detail records: the phone system's own list of calls, imported to find the ones
callwarden never heard of (the completeness check)."""
