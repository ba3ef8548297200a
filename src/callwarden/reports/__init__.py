"""The compliance report: what a period's calls, checks, QA reviews and audit trail add up to."""
