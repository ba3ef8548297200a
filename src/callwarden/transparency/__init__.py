"""Transparency for employees: the "about recording" page from the policy in force, and, where
the policy allows it, who has opened the recordings of one's own calls."""
