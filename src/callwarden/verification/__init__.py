"""Checking every stored recording's audio against what the ledger says happened."""
