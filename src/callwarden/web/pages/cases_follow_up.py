"""An anonymous reporter's way back to their concern (`/cases/follow-up`): the code, typed into
a form, opens the case as its reporter sees it, and lets them write back or appeal.

No sign-in: the code is the reporter's only credential, and the page never looks at who may be
signed in, so an anonymous case is not tied to a session. The code travels in the form's body,
never the address (not in logs or history), and wrong codes are counted by the app's one
`CodeThrottle`, the API's: over the limit the page answers 429 before any code is looked up.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Form, Request
from starlette.responses import Response

from callwarden.cases import service
from callwarden.cases.api import code_throttle
from callwarden.cases.codes import MAX_CODE_TEXT, CodeThrottle, MalformedCode
from callwarden.db import Database
from callwarden.kit.errors import InvalidInput, NotFound, TooManyRequests
from callwarden.server.deps import client_address, database
from callwarden.web.deps import csrf_checked
from callwarden.web.routing import error_page, page_router
from callwarden.web.templating import render

router = page_router()
TEXT = 20_000


@router.get("/cases/follow-up")
def follow_up_form(request: Request) -> Response:
    """The form for the code (nothing else: the case opens only with it)."""
    return render(
        request, "cases_follow_up.html", {"case": None, "code": "", "wrong": False, "sent": None}
    )


@router.post("/cases/follow-up", dependencies=[Depends(csrf_checked)])
def follow_up(
    request: Request,
    code: str = Form(default="", max_length=MAX_CODE_TEXT),
    message: str = Form(default="", max_length=TEXT),
    appeal: bool = Form(default=False),
    db: Database = Depends(database),
    throttle: CodeThrottle = Depends(code_throttle),
) -> Response:
    """Read the case with its code; with a message, write to it (or appeal, saying why)."""
    address = client_address(request)
    try:
        throttle.check(address)
    except TooManyRequests as over:
        page = error_page(request, over)
        page.headers.update(over.response_headers())
        return page
    said = message if message.strip() else None
    if appeal and said is None:
        raise InvalidInput("an appeal says why: write the reason in the message")
    try:
        if said is None:
            with db.reading() as session:
                case = service.follow_up(session, code)
        else:
            with db.unit_of_work() as session:
                case = service.follow_up(session, code, message=said, appeal=appeal)
    except (NotFound, MalformedCode):
        throttle.wrong(address)
        wrong: dict[str, Any] = {"case": None, "code": "", "wrong": True, "sent": None}
        return render(request, "cases_follow_up.html", wrong, status=404)
    sent = "appealed" if appeal else ("message" if said is not None else None)
    context: dict[str, Any] = {"case": case, "code": code, "sent": sent, "wrong": False}
    return render(request, "cases_follow_up.html", context)
