"""The OpenAPI contract adapted to one target: its paths, where its credentials go, its extra parameters.

fixtures/contract-openapi.yaml describes the public contract with the documented defaults
(/authorization, /me, form credentials); this module rewrites those for the target's settings
and inlines the token response schema, so schemathesis validates against the same
fixtures/schemas/token_response.json that the named checks use.
"""

from __future__ import annotations

from typing import Any

from .schemas import contract_openapi, token_response_schema

__all__ = ["TEMPLATE_PROTECTED_PATH", "TEMPLATE_TOKEN_PATH", "contract_document"]

TEMPLATE_TOKEN_PATH = "/authorization"
TEMPLATE_PROTECTED_PATH = "/me"
TOKEN_SCHEMA_REF = "schemas/token_response.json"
_MEDIA_TYPES = {"form": "application/x-www-form-urlencoded", "json": "application/json"}


def contract_document(
    *,
    token_path: str,
    protected_path: str,
    credentials_in: str,
    token_params: tuple[tuple[str, str], ...] = (),
) -> dict[str, Any]:
    document = contract_openapi()
    template = document.pop("paths")
    token = _token_operation(template[TEMPLATE_TOKEN_PATH], credentials_in, dict(token_params))
    _inline_token_schema(token)
    paths: dict[str, Any] = {}
    paths.setdefault(token_path, {}).update(token)
    paths.setdefault(protected_path, {}).update(template[TEMPLATE_PROTECTED_PATH])
    document["paths"] = paths
    return document


def _token_operation(
    path_item: dict[str, Any], credentials_in: str, params: dict[str, str]
) -> dict[str, Any]:
    operation = path_item["post"]
    credentials: dict[str, Any] = {
        "type": "object",
        "required": ["username", "password", *params],
        "properties": {
            "username": {"type": "string", "minLength": 1, "maxLength": 64},
            "password": {"type": "string", "minLength": 1, "maxLength": 64},
            **{name: {"const": value} for name, value in params.items()},
        },
    }
    if credentials_in == "query":
        del operation["requestBody"]
        operation["parameters"] = [
            {"name": name, "in": "query", "required": True, "schema": schema}
            for name, schema in credentials["properties"].items()
        ]
    else:
        operation["requestBody"]["content"] = {_MEDIA_TYPES[credentials_in]: {"schema": credentials}}
    return path_item


def _inline_token_schema(path_item: dict[str, Any]) -> None:
    schema = token_response_schema()
    for key in ("$schema", "$id"):
        schema.pop(key, None)
    for response in path_item["post"]["responses"].values():
        for media in response.get("content", {}).values():
            if media.get("schema", {}).get("$ref") == TOKEN_SCHEMA_REF:
                media["schema"] = schema
