"""README.txt of an audit package: what an auditor reads first (kept beside the builder so a
new member is described in the same change that adds it)."""

README = """\
callwarden audit package
========================

This zip is the evidence of one period (period.json: "from" inclusive, "to" exclusive, UTC)
from one callwarden installation. Everything in it is signed, directly or through
manifest.json, with the installation's Ed25519 key, whose public half is public_key.pem.

How to verify (offline; Python 3.11+ and the `cryptography` package, nothing else):

    python3 -m pip install cryptography          # Ed25519: the standard library has none
    unzip -p package.zip verify.py > verify.py   # or read it first: it is one plain file
    python3 -I verify.py package.zip --public-key callwarden-audit.pem

Pass --public-key with the key you received from the installation separately (its operators
print it with `callwarden audit public-key`). Without it, verify.py can only check the package
against the key inside it, which proves nothing alone: a forger would include their own key.
verify.py exits 0 when the package verifies and 1 naming the FIRST bad element (the member,
the line, the audit event's seq) when it does not. It never extracts files to disk.

What each member is:

  manifest.json             every other member with its sha256 and size; signed (Ed25519,
                            domain "callwarden-audit-package-v1\\n" + canonical JSON)
  public_key.pem            the installation's public key (compare it with yours)
  verify.py                 the verifier (standard library + cryptography)
  period.json               the period; the chain's anchors: "start_anchor" is the hash of the
                            event before the period's first ("0"*64 at the chain's start),
                            "end_anchor" the hash of its last; first_seq/last_seq; "empty"
                            is true when the period had no audit events (then both anchors
                            are the hash of the last event before it)
  audit/events.jsonl        the period's audit events, one JSON object a line, in chain
                            order, as `callwarden audit export` writes them. Each event's
                            hash = SHA-256("callwarden-audit-v1\\n" + prev_hash + "\\n" +
                            canonical JSON of seq, occurred_at (UTC, microseconds, Z), actor,
                            action, target, reason, data)
  audit/checkpoints.jsonl   the signed checkpoints ("event seq had hash head_hash") of events
                            in the period (and of the event before it); the chain must pass
                            through each. Events after the newest checkpoint here are tied
                            to it by the chain and to the manifest's signature: a later
                            package, or `callwarden audit verify`, covers them by checkpoint
  decisions.jsonl           the recording decisions of the period's calls (facts, outcome,
                            governing rule, policy and law versions)
  calls.jsonl               the period's calls (active in it: started before its end, last
                            heard of after its start) with their parties: who needed
                            notice or consent, and when each was given
  consent/call_events.jsonl the consent evidence as it arrived: every event the phone system
                            reported for these calls (notice played, consent, refusal, pause),
                            accepted or refused with the reason
  recordings.jsonl          the recordings of these calls: sha256 and size (stored and
                            original), schedule (retain_until, dispose_by, disposal_due),
                            disposed_at, legal hold
  disposals.jsonl           disposals of these recordings or in the period, with the rule
  certificates/NNNN.json    the destruction certificates of those disposals' sweeps (signed
                            by the same key; period.json "certificates" maps each to its sweep)
  findings.jsonl            the audio findings on these recordings (notice missing, payment
                            audio leak, ...) with their status
  checks/runs.jsonl         the periodic compliance check runs whose period overlaps this one
                            (in_period true), and any older run a finding below names
                            (in_period false): who ran which checks, what each counted, and
                            audit_seq/audit_hash, the run's "checks.run" event in the chain
  checks/findings.jsonl     what those runs found (first or last seen by one of them): the
                            summary, the evidence, the rule with its citation, and the status
                            (open, acknowledged, resolved, accepted_risk with its reason and
                            expiry). verify.py holds each run to its audit event when that
                            falls in the period, each checks.run event of the period to its
                            run here, each finding to runs here, and the counts to
                            period.json "check_runs"
"""
