"""Who is acting: users, teams, roles, API tokens, login, and authorization policy."""
