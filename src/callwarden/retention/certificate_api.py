"""`GET /v1/retention/sweeps/{sweep_id}/certificate`: a sweep's certificate, byte for byte.

The answer is the stored text itself, not a JSON value re-serialised from it: the signature
and the verifier's layout check hold only for exactly those bytes, so nothing here parses it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy.orm import Session

from callwarden.identity.principal import Principal
from callwarden.retention import certificate
from callwarden.retention.certificate_schemas import DestructionCertificate
from callwarden.server.deps import read_session, requires

router = APIRouter(tags=["retention"])

_DESCRIBED: dict[int | str, dict[str, Any]] = {
    200: {
        "model": DestructionCertificate,
        "description": "The signed destruction certificate, exactly as issued; check it with "
        "`callwarden retention certificate verify FILE --public-key KEY`.",
    }
}


@router.get(
    "/v1/retention/sweeps/{sweep_id}/certificate",
    response_class=Response,
    responses=_DESCRIBED,
)
def sweep_certificate(
    sweep_id: str,
    who: Principal = Depends(requires("retention.read")),
    session: Session = Depends(read_session),
) -> Response:
    """A finished sweep's destruction certificate, as a download; 404 before it is issued."""
    text = certificate.certificate_of(session, who, sweep_id)
    return Response(
        content=text.encode("utf-8"),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="certificate-{sweep_id}.json"',
            "X-Content-SHA256": certificate.text_sha256(text),
        },
    )
