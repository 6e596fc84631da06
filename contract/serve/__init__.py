"""`contract serve`: the negotiation console and a JSON API over the same core, on one machine.

- :mod:`~contract.serve.app`: :func:`create_app`, the FastAPI app factory;
- :mod:`~contract.serve.population`: the population served (read once) and how it is described;
- :mod:`~contract.serve.models`: request models, and the envelope every response comes in;
- :mod:`~contract.serve.requests`: checking a request's versions, dates and `set` (4xx naming the field);
- :mod:`~contract.serve.scenario`: the console's fast path (a proposal's rates priced per entity
  against a base through the vectorised evaluator);
- :mod:`~contract.serve.overlay`: a scenario written as a spec overlay folder;
- :mod:`~contract.serve.routes`: the endpoints; :mod:`~contract.serve.static`: the console page.
"""
