"""API shapes for identities."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from callwarden.identity.roles import Role
from callwarden.kit.inputs import WHOLE_NUMBER, RequestModel


class UserCreate(RequestModel):
    username: str = Field(min_length=2, max_length=64)
    role: str = Field(max_length=32, json_schema_extra={"enum": [role.value for role in Role]})
    display_name: str | None = Field(default=None, max_length=200)
    team: str | None = Field(default=None, max_length=120)
    password: str | None = Field(default=None, min_length=12, max_length=200)


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    username: str
    display_name: str
    role: Role
    team_id: str | None
    created_at: datetime
    disabled_at: datetime | None
    is_service: bool = Field(description="A service identity: tokens only, no password.")
    password_temporary: bool = Field(
        description="An administrator set the password; signing in only allows changing it."
    )


class UserCreated(UserOut):
    initial_password: str | None = Field(description="Shown once when the server generated it.")


class DisableRequest(RequestModel):
    reason: str | None = Field(default=None, max_length=500)


class Reason(RequestModel):
    """Why an administrator changes an account (kept in the audit trail)."""

    reason: str | None = Field(default=None, max_length=500)


class RoleChange(RequestModel):
    role: str = Field(max_length=32)
    reason: str | None = Field(default=None, max_length=500)


class TeamChange(RequestModel):
    team: str | None = Field(max_length=120, description="The team's name; null for no team.")
    reason: str | None = Field(default=None, max_length=500)


class ServiceIdentityCreate(RequestModel):
    name: str = Field(min_length=2, max_length=64, description="Its username, e.g. `pbx`.")
    display_name: str | None = Field(default=None, max_length=200)


class PasswordChange(RequestModel):
    current_password: str = Field(max_length=200)
    new_password: str = Field(min_length=12, max_length=200)


class PasswordChanged(BaseModel):
    username: str
    detail: str


class PasswordReset(BaseModel):
    username: str
    temporary_password: str = Field(description="Shown once; it only allows choosing a new one.")


class TeamCreate(RequestModel):
    name: str = Field(min_length=1, max_length=120)


class TeamOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    created_at: datetime


class TokenCreate(RequestModel):
    name: str = Field(min_length=1, max_length=120)
    user: str | None = Field(
        default=None,
        max_length=64,
        description="Owner: yourself (the default) or, for administrators, a service identity.",
    )
    days: Annotated[int, Field(strict=False, ge=1, le=366), WHOLE_NUMBER] = 90


class TokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    user_id: str
    name: str
    role: Role
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


class TokenIssued(TokenOut):
    token: str = Field(description="The bearer token. Shown once; store it now.")


class SignedIn(TokenIssued):
    password_change_required: bool = Field(
        description="The password was set by an administrator: this token may only change it "
        "(POST /v1/me/password); sign in again afterwards."
    )


class LoginRequest(RequestModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=200)


class Me(BaseModel):
    actor: str
    role: Role
    user_id: str | None
    username: str | None
    team_id: str | None
