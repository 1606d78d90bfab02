"""What the OpenAPI document says about the conventions every operation shares: the token,
the API-Version and ETag headers, If-Match on every change, and errors as problem+json."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

PROBLEM = {"$ref": "#/components/schemas/Probleem"}
PROBLEM_SCHEMA = {
    "type": "object",
    "description": "Een fout, volgens RFC 9457 (application/problem+json).",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {
            "type": "string",
            "description": "Soort fout; about:blank als de status zegt wat.",
        },
        "title": {"type": "string", "description": "Korte omschrijving van de soort fout."},
        "status": {"type": "integer", "description": "De HTTP-status."},
        "detail": {"type": "string", "description": "Wat er mis is en wat u kunt doen."},
        "verwijzingen": {
            "type": "array",
            "description": (
                "Bij 409 op een verwijdering: enkele gegevens die nog naar dit gegeven "
                "verwijzen (ten hoogste vijf)."
            ),
            "items": {
                "type": "object",
                "required": ["soort", "naam"],
                "properties": {
                    "soort": {"type": "string", "description": "Soort gegeven, zoals rol."},
                    "naam": {"type": "string"},
                },
            },
        },
        "aantalVerwijzingen": {
            "type": "integer",
            "description": "Bij 409 op een verwijdering: hoeveel gegevens er in totaal verwijzen.",
        },
        "invalidParams": {
            "type": "array",
            "description": "Bij ongeldige invoer: elk veld dat niet klopt.",
            "items": {
                "type": "object",
                "required": ["name", "code", "reason"],
                "properties": {
                    "name": {"type": "string"},
                    "code": {"type": "string"},
                    "reason": {"type": "string"},
                },
            },
        },
    },
}
ERRORS = {
    "400": "Ongeldige invoer; invalidParams noemt elk veld dat niet klopt.",
    "401": "Geen of een ongeldige API-sleutel.",
    "403": "Uw account mag dit niet.",
    "404": "Bestaat niet, of u mag het niet zien.",
    "409": (
        "Kan niet worden verwijderd: andere gegevens verwijzen er nog naar; verwijzingen noemt "
        "er enkele."
    ),
    "412": "In de tussentijd door een ander gewijzigd: lees opnieuw en stuur de nieuwe ETag.",
    "415": "Soort inhoud niet ondersteund.",
    "428": "De If-Match-kop ontbreekt, of noemt geen ETag maar *.",
}
API_VERSION_HEADER = {
    "description": "De versie van de API die antwoordt (SemVer).",
    "schema": {"type": "string", "example": "1.1.0"},
}
ETAG_HEADER = {
    "description": "De versie van deze gegevens; stuur hem terug in If-Match bij een wijziging.",
    "schema": {"type": "string"},
}
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "description": (
        "De ETag die u het laatst las. Is er sindsdien iets gewijzigd, dan volgt 412. "
        "* is niet genoeg: zonder ETag volgt 428."
    ),
    "schema": {"type": "string"},
}


class TokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "koepel.api.authentication.TokenAuthentication"
    name = "apiSleutel"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "Een persoonlijke API-sleutel, te maken op de pagina API-sleutels van uw "
                "account: Authorization: Token <sleutel>. Zonder sleutel ziet u wat openbaar is."
            ),
        }


def _problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {"API-Version": {"$ref": "#/components/headers/API-Version"}},
        "content": {"application/problem+json": {"schema": PROBLEM}},
    }


def describe_conventions(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular post-processing hook: add the shared conventions to every operation."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Probleem"] = PROBLEM_SCHEMA
    components["headers"] = {"API-Version": API_VERSION_HEADER, "ETag": ETAG_HEADER}
    components["parameters"] = {"If-Match": IF_MATCH}
    components["responses"] = {
        f"Probleem{code}": _problem_response(text) for code, text in ERRORS.items()
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            _bound_parameters(operation)
            responses = operation.setdefault("responses", {})
            writes = method in {"put", "patch", "delete"}
            codes = ["400", "401", "404"]
            if method != "get":
                codes += ["403", "415"]
            if writes:
                codes += ["412", "428"]
                operation.setdefault("parameters", []).append(
                    {"$ref": "#/components/parameters/If-Match"}
                )
            if method == "delete":
                codes.append("409")
            for code in codes:
                responses.setdefault(code, {"$ref": f"#/components/responses/Probleem{code}"})
            for code, response in responses.items():
                if "$ref" in response:
                    continue
                if code == "204":
                    response["description"] = "Gelukt; het antwoord heeft geen inhoud."
                headers = response.setdefault("headers", {})
                headers["API-Version"] = {"$ref": "#/components/headers/API-Version"}
                one_record = "{" in path or path in SINGLE_RECORDS
                if code in {"200", "201"} and one_record and method != "delete":
                    headers["ETag"] = {"$ref": "#/components/headers/ETag"}
            if operation.get("security"):
                # Reading needs no token; a token shows what its owner may see.
                operation["security"] = [*operation["security"], {}]
    _blank_as_any_of(result)
    _closed_requests(result)
    return result


# Addresses of a record without a key in them: there is one network.
SINGLE_RECORDS = {"/api/v1/netwerk"}


def _closed_requests(result: dict[str, Any]) -> None:
    """A write takes the fields its request describes and no others: a read-only or unknown
    field is a 400 that names it (koepel.api.serializers.common.StrictInput)."""
    names: set[str] = set()
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in {"post", "put", "patch"}:
                continue
            for content in operation.get("requestBody", {}).get("content", {}).values():
                ref = content.get("schema", {}).get("$ref", "")
                if ref.startswith("#/components/schemas/"):
                    names.add(ref.rsplit("/", 1)[-1])
    schemas = result.get("components", {}).get("schemas", {})
    for name in names:
        if schemas.get(name, {}).get("type") == "object":
            schemas[name]["additionalProperties"] = False


BLANK = {"type": "string", "maxLength": 0}


def _blank_as_any_of(node: Any) -> None:
    """drf-spectacular describes text that may also be left empty as ``oneOf: [the text, ""]``.
    Where the text's own rules let "" through too (a pattern of the characters allowed), ""
    matches both and ``oneOf`` would refuse it; ``anyOf`` says what is meant."""
    if isinstance(node, dict):
        if BLANK in node.get("oneOf", []):
            node["anyOf"] = node.pop("oneOf")
        for value in node.values():
            _blank_as_any_of(value)
    elif isinstance(node, list):
        for value in node:
            _blank_as_any_of(value)


# Bounds of the query parameters the resources share, which the filters enforce.
PARAMETER_BOUNDS = {
    "jaar": (1900, 2200),
    "maand": (1, 12),
    "pagina": (1, None),
    "paginaGrootte": (1, 100),
}


def _bound_parameters(operation: dict[str, Any]) -> None:
    for parameter in operation.get("parameters", []):
        bounds = PARAMETER_BOUNDS.get(parameter.get("name", ""))
        if bounds and parameter.get("in") == "query":
            low, high = bounds
            parameter["schema"]["type"] = "integer"
            parameter["schema"].pop("format", None)
            parameter["schema"]["minimum"] = low
            if high is not None:
                parameter["schema"]["maximum"] = high


SUMMARIES = {
    "list": "De {plural}",
    "retrieve": "Eén {noun}",
    "create": "Een {noun} maken",
    "update": "Een {noun} vervangen",
    "partial_update": "Een {noun} wijzigen",
    "destroy": "Een {noun} verwijderen",
}


class DutchAutoSchema(AutoSchema):
    """Operations described in Dutch: from ``extend_schema`` where given, else from the
    resource's ``noun`` and ``plural``. Docstrings are for developers and stay out."""

    def get_description(self) -> str:  # type: ignore[override]
        return ""

    def get_summary(self) -> str | None:
        action = getattr(self.view, "action", None)
        noun = getattr(self.view, "noun", None)
        if action in SUMMARIES and noun:
            plural = getattr(self.view, "plural", noun)
            return SUMMARIES[action].format(noun=noun, plural=plural)
        return None
