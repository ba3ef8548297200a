"""`callwarden users|teams|tokens ...`: manage identities from the server's shell."""

from __future__ import annotations

import typer

from callwarden.cli_support import console, new_app, new_table, print_json, unit_of_work
from callwarden.identity import service
from callwarden.identity.principal import cli_principal
from callwarden.identity.roles import Role

users_app = new_app("Create, list and disable users.")
teams_app = new_app("Create and list teams.")
tokens_app = new_app("Create, list and revoke API tokens.")


@users_app.command("create")
def create_user(
    username: str,
    role: str = typer.Option(
        ...,
        help="One of: " + ", ".join(role.value for role in Role),
    ),
    display_name: str | None = typer.Option(None, "--name"),
    team: str | None = typer.Option(None),
) -> None:
    """Create a user with a generated password, shown once."""
    with unit_of_work() as session:
        created = service.create_user(
            session,
            cli_principal(),
            username=username,
            role=role,
            display_name=display_name,
            team=team,
        )
        user_id = created.user.id
    console.print(f"created user [bold]{username}[/] ({role}) id {user_id}")
    console.print(
        f"one-time password: [bold]{created.password}[/]  (store it now; it is not shown again)"
    )


@users_app.command("list")
def list_users(as_json: bool = typer.Option(False, "--json")) -> None:
    with unit_of_work() as session:
        users = service.list_users(session, cli_principal())
        rows = [
            {
                "id": u.id,
                "username": u.username,
                "name": u.display_name,
                "role": u.role,
                "team": u.team.name if u.team else None,
                "disabled_at": u.disabled_at.isoformat() if u.disabled_at else None,
            }
            for u in users
        ]
    if as_json:
        print_json(rows)
        return
    table = new_table("username", "name", "role", "team", "status", keep_whole=("username",))
    for row in rows:
        table.add_row(
            row["username"],
            row["name"],
            row["role"],
            row["team"] or "-",
            "disabled" if row["disabled_at"] else "active",
        )
    console.print(table)


@users_app.command("disable")
def disable_user(username: str, reason: str | None = typer.Option(None)) -> None:
    """Disable a user: their tokens stop working at once."""
    with unit_of_work() as session:
        service.disable_user(session, cli_principal(), username, reason)
    console.print(f"disabled user {username}")


@teams_app.command("create")
def create_team(name: str) -> None:
    with unit_of_work() as session:
        team = service.create_team(session, cli_principal(), name)
        console.print(f"created team {team.name} id {team.id}")


@teams_app.command("list")
def list_teams() -> None:
    with unit_of_work() as session:
        for team in service.list_teams(session, cli_principal()):
            console.print(f"{team.id}  {team.name}")


@tokens_app.command("create")
def create_token(
    user: str = typer.Option(..., help="The token's owner; the token gets the owner's role."),
    name: str = typer.Option("cli", help="What the token is for."),
    days: int = typer.Option(90, help="Lifetime in days (1-366)."),
) -> None:
    """Create an API token; the token is printed once."""
    with unit_of_work() as session:
        issued = service.create_token(session, cli_principal(), name=name, owner=user, days=days)
        expires = issued.token.expires_at.isoformat()
        role = issued.token.role
    console.print(f"token for {user} (role {role}), expires {expires}:")
    typer.echo(issued.plaintext)


@tokens_app.command("list")
def list_tokens(
    user: str | None = typer.Option(None), as_json: bool = typer.Option(False, "--json")
) -> None:
    with unit_of_work() as session:
        tokens = service.list_tokens(session, cli_principal(), user)
        rows = [
            {
                "id": t.id,
                "user": t.user.username,
                "name": t.name,
                "role": t.role,
                "expires_at": t.expires_at.isoformat(),
                "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            }
            for t in tokens
        ]
    if as_json:
        print_json(rows)
        return
    table = new_table("id", "user", "name", "role", "expires", "status", keep_whole=("id",))
    for row in rows:
        table.add_row(
            row["id"],
            row["user"],
            row["name"],
            row["role"],
            str(row["expires_at"])[:19],
            "revoked" if row["revoked_at"] else "active",
        )
    console.print(table)


@tokens_app.command("revoke")
def revoke_token(token_id: str, reason: str | None = typer.Option(None)) -> None:
    with unit_of_work() as session:
        service.revoke_token(session, cli_principal(), token_id, reason)
    console.print(f"revoked token {token_id}")
