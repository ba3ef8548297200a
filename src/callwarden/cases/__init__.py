"""Cases: employees' concerns and disputes, handled by a fair process while the recording they
are about is protected.

The tables are `models/cases.py` (`Case`, `CaseEntry`, `RecordingRestriction`); the policy's
`cases:` section gives the answer time and the appeal window; the permissions are the
`cases.*` rows of `identity/policies.py`. The package, by what each module decides:

- `workflow.py` — pure: the kinds, the states (open → in_review → decided → closed, one
  appeal from decided back to in_review under another handler), which transition each action
  makes, and the due date in working days.
- `codes.py` — an anonymous reporter's follow-up code: long enough to be unguessable, stored
  only as its sha256, and looked up behind a rate limit.
- `handlers.py` — who may handle a case: a compliance officer who is neither the employee's
  own supervisor nor the person whose conduct it concerns (nor, on appeal, the first handler).
- `service.py` (with `repository.py`) — filing, assignment, replies and internal notes, review,
  decision, appeal and closing; each audited in its transaction (`case.*` events, without the
  text); a second private-call request for the same recording joins the open case.
- `views.py` — what each reader sees: the reporter their case's state, the replies meant for
  them and the decision with its reasons; handlers everything; people named in a case never
  who reported it.
- `protection.py` — what filing does at once: a private call restricts its recording to its
  agent and the case's handlers and takes it out of QA sampling; a recording dispute places a
  legal hold scoped to the recording. `release` undoes them at closing (unless legal keeps
  the hold).
- `outcomes.py` — what a decision does: an upheld private call disposes of the recording by
  crypto-shredding (unless a hold or a regulatory minimum keeps it, said with its citation);
  not upheld lifts the restriction; an upheld evaluation dispute has the evaluation re-done by
  another reviewer, the first kept in the score history.
- `export.py` — a case's PDF for the file.
- `api.py`, `schemas.py`, `cli.py` — `/v1/cases` and `callwarden cases`.
"""
