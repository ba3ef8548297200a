"""The append-only, hash-chained audit trail: write, query, verify, export."""
