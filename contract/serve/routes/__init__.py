"""The server's endpoints: :mod:`.api` (the JSON API), :mod:`.console` (the page, its scenario and
exports) and :mod:`.docs` (OpenAPI docs served offline)."""
