"""Periodic audits and compliance checks: named checks over a period's data, their runs, and the
findings people work through."""
