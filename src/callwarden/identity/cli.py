"""`callwarden users|teams|tokens ...`: manage identities from the server's shell."""

from __future__ import annotations

from datetime import timedelta

import typer

from callwarden.cli_support import (
    CURSOR_OPTION,
    LIMIT_OPTION,
    console,
    new_app,
    new_table,
    print_page,
    unit_of_work,
)
from callwarden.identity import accounts, passwords, service
from callwarden.identity.principal import Principal, cli_principal
from callwarden.identity.roles import Role
from callwarden.kit.errors import Conflict, InvalidInput

users_app = new_app("Create, list, disable and enable users; service identities; passwords.")
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
    """Create a person with a generated temporary password, shown once."""
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
        f"temporary password: [bold]{created.password}[/]  (shown once; {username} must change "
        f"it: callwarden users change-password {username}, or POST /v1/me/password)"
    )


@users_app.command("create-service")
def create_service_identity(
    name: str, display_name: str | None = typer.Option(None, "--name")
) -> None:
    """Create a service identity for an integration (role integration, tokens only)."""
    with unit_of_work() as session:
        created = service.create_service_identity(
            session, cli_principal(), name=name, display_name=display_name
        )
        user_id = created.id
    console.print(f"created service identity [bold]{name}[/] id {user_id}")
    console.print(f"issue its token: callwarden tokens create --user {name}")


@users_app.command("enable")
def enable_user(username: str, reason: str | None = typer.Option(None)) -> None:
    """Let a disabled user sign in again."""
    with unit_of_work() as session:
        accounts.enable_user(session, cli_principal(), username, reason)
    console.print(f"enabled user {username}")


@users_app.command("set-role")
def set_role(username: str, role: str, reason: str | None = typer.Option(None)) -> None:
    """Give a person another role (the last active administrator keeps theirs)."""
    with unit_of_work() as session:
        accounts.change_role(session, cli_principal(), username, role, reason)
    console.print(f"{username} now has role {role}")


@users_app.command("set-team")
def set_team(
    username: str,
    team: str | None = typer.Argument(None, help="The team's name (omit with --none)."),
    none: bool = typer.Option(False, "--none", help="Move the person to no team."),
    reason: str | None = typer.Option(None),
) -> None:
    """Move a person to another team; its courses are assigned to them."""
    if (team is None) == (not none):
        raise InvalidInput("give a TEAM, or --none for no team (not both)")
    with unit_of_work() as session:
        accounts.change_team(session, cli_principal(), username, team, reason)
    console.print(f"{username} is now on team {team}" if team else f"{username} is on no team")


@users_app.command("reset-password")
def reset_password(username: str, reason: str | None = typer.Option(None)) -> None:
    """Give a person a new temporary password, shown once; they must change it to go on."""
    with unit_of_work() as session:
        temporary = passwords.reset_password(session, cli_principal(), username, reason)
    console.print(f"temporary password for {username}: [bold]{temporary}[/]  (shown once)")


@users_app.command("change-password")
def change_password(username: str) -> None:
    """Choose your own password: asks for the current one (temporary or not) and a new one."""
    current = typer.prompt(f"current password of {username}", hide_input=True)
    new = typer.prompt("new password", hide_input=True, confirmation_prompt=True)
    with unit_of_work() as session:
        person = service.user_named(session, username)
        me = Principal(actor=f"user:{username}", role=Role(person.role), user_id=person.id)
        passwords.change_own_password(session, me, current, new)
    console.print(f"password of {username} changed")


@users_app.command("list")
def list_users(
    cursor: str | None = CURSOR_OPTION,
    limit: int = LIMIT_OPTION,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Users and service identities, by username, a page at a time."""
    with unit_of_work() as session:
        found = service.list_users(session, cli_principal(), cursor, limit)
        rows = [
            {
                "id": u.id,
                "username": u.username,
                "name": u.display_name,
                "role": u.role,
                "team": u.team.name if u.team else None,
                "disabled_at": u.disabled_at.isoformat() if u.disabled_at else None,
            }
            for u in found.rows
        ]
    table = new_table("username", "name", "role", "team", "status", keep_whole=("username",))
    for row in rows:
        table.add_row(
            row["username"],
            row["name"],
            row["role"],
            row["team"] or "-",
            "disabled" if row["disabled_at"] else "active",
        )
    print_page(rows, found.next_cursor, as_json, table)


@users_app.command("disable")
def disable_user(username: str, reason: str | None = typer.Option(None)) -> None:
    """Disable a user: their tokens stop working at once."""
    with unit_of_work() as session:
        accounts.disable_user(session, cli_principal(), username, reason)
    console.print(f"disabled user {username}")


@teams_app.command("create")
def create_team(name: str) -> None:
    with unit_of_work() as session:
        team = service.create_team(session, cli_principal(), name)
        console.print(f"created team {team.name} id {team.id}")


@teams_app.command("list")
def list_teams(
    cursor: str | None = CURSOR_OPTION,
    limit: int = LIMIT_OPTION,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Teams, by name, a page at a time."""
    with unit_of_work() as session:
        found = service.list_teams(session, cli_principal(), cursor, limit)
        rows = [{"id": team.id, "name": team.name} for team in found.rows]
    table = new_table("id", "team", keep_whole=("id",))
    for row in rows:
        table.add_row(row["id"], row["name"])
    print_page(rows, found.next_cursor, as_json, table)


@tokens_app.command("create")
def create_token(
    user: str = typer.Option(..., help="The token's owner; the token gets the owner's role."),
    name: str = typer.Option("cli", help="What the token is for."),
    days: int = typer.Option(90, help="Lifetime in days (1-366)."),
) -> None:
    """Create an API token, printed once: for a service identity, or for yourself with your
    password (nobody creates a token for another person)."""
    with unit_of_work() as session:
        is_service = service.user_named(session, user).is_service
    if is_service:
        with unit_of_work() as session:
            issued = service.create_token(
                session, cli_principal(), name=name, owner=user, days=days
            )
            expires, role, plaintext = (
                issued.token.expires_at.isoformat(),
                issued.token.role,
                issued.plaintext,
            )
    else:
        expires, role, plaintext = _own_token(user, name, days)
    console.print(f"token for {user} (role {role}), expires {expires}:")
    typer.echo(plaintext)


def _own_token(user: str, name: str, days: int) -> tuple[str, str, str]:
    """A person's token from their own password, as signing in gives (for `days` days)."""
    if not 1 <= days <= service.MAX_TOKEN_DAYS:
        raise Conflict(f"token lifetime must be 1 to {service.MAX_TOKEN_DAYS} days")
    password = typer.prompt(
        f"password of {user} (a token acts as its owner, so only {user} may create it)",
        hide_input=True,
    )
    with unit_of_work() as session:
        signed = passwords.sign_in(session, user, password, timedelta(days=days), name=name)
        if signed.password_change_required:
            raise Conflict(
                f"the password of {user} is temporary: choose one first "
                f"(callwarden users change-password {user})"
            )
        token = signed.issued.token
        return token.expires_at.isoformat(), token.role, signed.issued.plaintext


@tokens_app.command("list")
def list_tokens(
    user: str | None = typer.Option(None),
    cursor: str | None = CURSOR_OPTION,
    limit: int = LIMIT_OPTION,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Tokens, oldest first, a page at a time (`--user` for one user's)."""
    with unit_of_work() as session:
        found = service.list_tokens(session, cli_principal(), user, cursor, limit)
        rows = [
            {
                "id": t.id,
                "user": t.user.username,
                "name": t.name,
                "role": t.role,
                "expires_at": t.expires_at.isoformat(),
                "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            }
            for t in found.rows
        ]
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
    print_page(rows, found.next_cursor, as_json, table)


@tokens_app.command("revoke")
def revoke_token(token_id: str, reason: str | None = typer.Option(None)) -> None:
    with unit_of_work() as session:
        service.revoke_token(session, cli_principal(), token_id, reason)
    console.print(f"revoked token {token_id}")
