"""Errors as ``application/problem+json`` (RFC 9457), in Dutch, without a trace of the framework.

Every error the API gives — a 404 for an address that does not exist, a refused token, invalid
input, a conflict — has ``type``, ``title``, ``status`` and ``detail``; invalid input lists every
field that is wrong in ``invalidParams`` at once (NL API Design Rules, API-53).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response

from koepel.core.errors import EditConflict, StillReferenced

PROBLEM_CONTENT_TYPE = "application/problem+json"
logger = logging.getLogger("koepel.api")


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


def _titles() -> dict[int, str]:
    return {
        400: _("Invalid input"),
        401: _("Not signed in"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Format not available"),
        409: _("Conflict"),
        412: _("Changed in the meantime"),
        413: _("Too large"),
        415: _("Unsupported content type"),
        428: _("If-Match header required"),
        429: _("Too many requests"),
        500: _("Something went wrong on our side"),
    }


def _details() -> dict[int, str]:
    return {
        401: _("Send a valid personal API token: Authorization: Token <token>."),
        403: _("Your account may not do this."),
        404: _("There is nothing at this address, or you may not see it."),
        405: _("This address does not accept this method."),
        406: _("The API answers in JSON only."),
        415: _("Send the body as application/json (or multipart/form-data for a file)."),
        428: _(
            "Send the ETag you last read in an If-Match header, so that nobody's change is "
            "overwritten unseen."
        ),
        412: _(
            "Someone else changed this since you read it. Read it again, apply your change to "
            "the new version and send it with the new ETag."
        ),
        500: _("The error has been logged. Try again later, or tell the network office."),
    }


def problem(status_code: int, detail: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _titles().get(status_code, _("Error")),
        "status": status_code,
        "detail": detail or _details().get(status_code, ""),
    }
    body.update(extra)
    return body


def _invalid_params(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """Flatten DRF's nested error structure into ``[{name, code, reason}, …]``."""
    found: list[dict[str, str]] = []
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            name = key if key != "non_field_errors" else ""
            found.extend(
                _invalid_params(value, f"{prefix}.{name}" if prefix and name else name or prefix)
            )
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, Mapping | list) and not isinstance(value, str):
                found.extend(_invalid_params(value, f"{prefix}.{index}" if prefix else str(index)))
            else:
                found.extend(_invalid_params(value, prefix))
    else:
        found.append(
            {
                "name": prefix or "",
                "code": str(getattr(detail, "code", "invalid")),
                "reason": str(detail),
            }
        )
    return found


def validation_problem(detail: Any) -> dict[str, Any]:
    params = _invalid_params(detail)
    summary = "; ".join(
        f"{param['name']}: {param['reason']}" if param["name"] else param["reason"]
        for param in params
    )
    return problem(400, summary or _("The input is not valid."), invalidParams=params)


def still_referenced_problem(error: StillReferenced) -> dict[str, Any]:
    """409: the record is in use. ``verwijzingen`` names a handful of the records that refer
    to it, ``aantalVerwijzingen`` counts them all."""
    return problem(
        409,
        error.message,
        verwijzingen=[{"soort": ref.kind, "naam": ref.name} for ref in error.references],
        aantalVerwijzingen=error.count,
    )


def _as_drf(error: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(
            {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
        )
    return exceptions.ValidationError({"non_field_errors": [str(m) for m in error.messages]})


def exception_handler(error: Exception, context: Mapping[str, Any]) -> Response:
    """DRF's exception handler, answering every error as a problem."""
    if isinstance(error, DjangoValidationError):
        error = _as_drf(error)
    elif isinstance(error, Http404):
        error = exceptions.NotFound()
    elif isinstance(error, DjangoPermissionDenied):
        error = exceptions.PermissionDenied(str(error) or None)
    elif isinstance(error, EditConflict):
        error = PreconditionFailed(_details()[412])

    headers: dict[str, str] = {}
    if isinstance(error, StillReferenced):
        body = still_referenced_problem(error)
    elif isinstance(error, exceptions.ValidationError):
        body = validation_problem(error.detail)
    elif isinstance(error, exceptions.APIException):
        status_code = error.status_code
        if isinstance(error, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            status_code = 401
            headers["WWW-Authenticate"] = "Token"
        wait = getattr(error, "wait", None)
        if isinstance(error, exceptions.Throttled) and wait:
            headers["Retry-After"] = str(int(wait))
        detail = error.detail if isinstance(error.detail, str) else None
        # DRF's own English defaults would leak the framework's voice; ours replace them.
        if detail == str(type(error).default_detail) or status_code in {404, 405, 406, 415}:
            detail = None
        body = problem(status_code, detail)
    else:
        logger.exception("API error", exc_info=error)
        body = problem(500)
    return Response(body, status=body["status"], headers=headers, content_type=PROBLEM_CONTENT_TYPE)


@csrf_exempt  # an API client sends no CSRF token; there is nothing here to protect
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any address under the API that matches no resource (a trailing slash, say)."""
    return JsonResponse(problem(404), status=404, content_type=PROBLEM_CONTENT_TYPE)
