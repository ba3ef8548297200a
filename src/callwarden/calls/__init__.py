"""Call sessions during the call: plans, events, the consent ledger, secure pauses, adapters."""
