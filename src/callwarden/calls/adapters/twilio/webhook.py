"""Authenticating Twilio's webhooks: every request must carry a valid `X-Twilio-Signature`.

Twilio signs the exact URL it requested, followed by the sorted POST parameters, with the
account's auth token (HMAC-SHA1). Behind a proxy or tunnel the URL this service sees differs from
the one Twilio used, so `CALLWARDEN_PUBLIC_BASE_URL` names the public origin and signatures are
checked against it. A rejected request is audited in a transaction of its own, so an auditor sees
forgery attempts even though nothing else is written: the first from an address in each window,
then one event counting the rest (`audit/refusals.py`), so forgeries cannot grow the trail
without bound.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from twilio.request_validator import RequestValidator, get_signature_algorithm

from callwarden.audit.refusals import RefusalTally
from callwarden.config import Settings
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.kit.errors import CallwardenError, Forbidden, InvalidInput
from callwarden.server.deps import client_address, refusals, settings

TWILIO = Principal(actor="twilio:webhook", role=Role.INTEGRATION)
UNVERIFIED_ACTOR = "twilio:unverified"
SIGNATURE_HEADER = "X-Twilio-Signature"
SIGNATURE_SETTINGS_HEADER = "X-Twilio-Webhooks-Signature-Settings"
CONFIGURE = (
    "set CALLWARDEN_TWILIO_AUTH_TOKEN to the account's auth token, and CALLWARDEN_PUBLIC_BASE_URL "
    "to the URL Twilio uses to reach this service"
)


class AdapterNotConfigured(CallwardenError):
    status, code, title = 503, "adapter_not_configured", "Adapter not configured"


class SignatureRejected(Forbidden):
    code, title = "signature_rejected", "Signature rejected"


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """A webhook whose signature checked out: its form fields, and where Twilio reaches us."""

    params: dict[str, str]
    url: str
    base_url: str


def public_url(request: Request, current: Settings) -> str:
    """The URL Twilio requested: the public origin when configured, else what we received."""
    if not current.public_base_url:
        return str(request.url)
    url = current.public_base_url.rstrip("/") + request.url.path
    return f"{url}?{request.url.query}" if request.url.query else url


def public_base(request: Request, current: Settings) -> str:
    """The origin to put in URLs handed to Twilio (Gather actions, recording callbacks)."""
    return (current.public_base_url or str(request.base_url)).rstrip("/")


async def verified(
    request: Request,
    current: Settings = Depends(settings),
    tally: RefusalTally = Depends(refusals),
) -> SignedRequest:
    """Let the request through only when Twilio signed it; otherwise audit and refuse (403)."""
    token = current.twilio_auth_token
    if not token:
        raise AdapterNotConfigured(f"the Twilio adapter is not configured: {CONFIGURE}")
    form = await request.form()
    params: dict[str, str] = {}
    for key, value in form.multi_items():
        if not isinstance(value, str):
            raise InvalidInput("Twilio webhooks are form-encoded; file uploads are not accepted")
        params[key] = value
    url = public_url(request, current)
    reason = _rejection(token, url, form, request)
    if reason is None and current.twilio_account_sid:
        claimed = params.get("AccountSid", "")
        if claimed != current.twilio_account_sid:
            reason = f"AccountSid {claimed[:40]!r} is not the configured Twilio account"
    if reason is not None:
        remote = client_address(request)
        await run_in_threadpool(
            _audit_rejection, tally, request.url.path, url, params, remote, reason
        )
        raise SignatureRejected(reason)
    return SignedRequest(params, url, public_base(request, current))


def _rejection(token: str, url: str, form: object, request: Request) -> str | None:
    signature = request.headers.get(SIGNATURE_HEADER)
    if not signature:
        return f"no {SIGNATURE_HEADER} header: only Twilio may call this webhook"
    algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER))
    if algorithm != "HMAC_SHA1":
        return (
            f"signatures made with {algorithm} (Twilio Webhook Rules) are not supported; "
            "callwarden checks auth-token signatures (HMAC-SHA1)"
        )
    if not RequestValidator(token).validate(url, form, signature):
        return (
            f"{SIGNATURE_HEADER} does not match this request; if Twilio sent it, check that "
            f"{url} is the URL configured in Twilio (CALLWARDEN_PUBLIC_BASE_URL) and the auth token"
        )
    return None


def _audit_rejection(
    tally: RefusalTally, path: str, url: str, params: dict[str, str], remote: str, reason: str
) -> None:
    tally.refused(
        action="twilio.signature_rejected",
        source=f"address:{remote}",
        actor=UNVERIFIED_ACTOR,
        target=f"endpoint:POST {path}",
        reason=reason,
        subject=path,
        data={
            "url": url[:500],
            "remote_addr": remote,
            "call_sid": params.get("CallSid", "")[:64] or None,
            "account_sid": params.get("AccountSid", "")[:64] or None,
            "recording_sid": params.get("RecordingSid", "")[:64] or None,
        },
    )
