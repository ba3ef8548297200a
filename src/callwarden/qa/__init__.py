"""QA review: scorecards, sampling plans over a period's recordings, evaluations, and rates."""
