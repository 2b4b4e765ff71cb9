"""The OpenAPI document at /api/v1/openapi.json: public, a valid OpenAPI 3.1 document, and
describing exactly the routes the API has."""

from __future__ import annotations

from openapi_spec_validator import validate

from portal.api import openapi


def test_the_document_is_served_without_a_token_and_is_valid(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    document = response.get_json()
    validate(document)  # raises on anything the OpenAPI 3.1 schema does not allow
    assert document["openapi"].startswith("3.1")
    assert document == openapi.document()


def test_the_servers_address_is_relative_and_the_token_is_a_bearer_token(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["servers"] == [{"url": "/api/v1", "description": "This portal"}]
    assert document["components"]["securitySchemes"]["marketplaceToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A token from the portal's MARKETPLACE_API_TOKENS setting.",
    }
    assert document["security"] == [{"marketplaceToken": []}]
    responses = document["paths"]["/sellers/{id}/status"]["get"]["responses"]
    assert set(responses) == {"200", "401", "404", "429"}


def test_every_route_of_the_api_is_described_and_every_description_is_a_route(app):
    document = openapi.document()
    served = {
        rule.rule.removeprefix("/api/v1").replace("<int:seller_id>", "{id}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    assert served - {"/openapi.json"} == set(document["paths"])
