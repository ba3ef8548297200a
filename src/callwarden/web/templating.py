"""Rendering a page: one Jinja2 environment (autoescaped), the filters every page shares, and
what every page knows (who is signed in, their navigation, the form's CSRF token)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from starlette.responses import HTMLResponse

from callwarden import __version__
from callwarden.identity.principal import Principal
from callwarden.web import session as cookies
from callwarden.web.nav import NavEntry, bar_for

TEMPLATES = Path(__file__).parent / "templates"
STATIC_URL = "/static/console"

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def when(moment: datetime | str | None) -> Markup:
    """A moment as a <time> element: UTC in the page and on hover, the viewer's zone by script."""
    if moment is None:
        return Markup('<span class="muted">—</span>')
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    iso = utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    shown = utc.strftime("%Y-%m-%d %H:%M UTC")
    return Markup('<time datetime="{0}" title="{1}">{1}</time>').format(iso, shown)


def seconds(value: float | timedelta | None) -> str:
    """A duration as m:ss (or h:mm:ss), as a player shows it."""
    if value is None:
        return "—"
    total = int(value.total_seconds() if isinstance(value, timedelta) else value)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def here(request: Request, **changes: str) -> str:
    """This page's address with some query parameters changed, relative to the site: never
    the Host header's site (a forged Host, or the internal one a proxy passes on)."""
    changed = request.url.include_query_params(**changes)
    return f"{quote(changed.path)}?{changed.query}"


def nl2br(text: str | None) -> Markup:
    """Plain text with its line breaks kept, escaped first."""
    return Markup("<br>").join(escape(line) for line in (text or "").splitlines())


environment.filters.update(when=when, seconds=seconds, nl2br=nl2br)
environment.globals.update(
    here=here, static=STATIC_URL, version=__version__, csrf_field=cookies.CSRF_FIELD
)


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    who: Principal | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The page, with the navigation for `who` and a CSRF token bound to the browser's cookie
    (a pre-session cookie is set first if the browser has none, as on the sign-in page)."""
    binding = cookies.csrf_binding(request)
    fresh_presession = None
    if binding is None:
        binding = fresh_presession = cookies.new_presession()
    entries: list[NavEntry] = getattr(request.app.state, "console_nav", [])
    page = environment.get_template(template).render(
        request=request,
        who=who,
        nav=bar_for(entries, who, request.url.path) if who else [],
        csrf_token=cookies.csrf_for(binding),
        **(context or {}),
    )
    response = HTMLResponse(page, status_code=status)
    if fresh_presession is not None:
        cookies.set_cookie(response, request, cookies.PRESESSION_COOKIE, fresh_presession)
    response.headers["Cache-Control"] = "no-store"
    return response
