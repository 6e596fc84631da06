"""A vectorised evaluator on polars, proven equal to the engine of record (tests/test_vector.py).

Public: :func:`contract.evaluation.vector.api.evaluate_vector`, :func:`~.api.frames`,
:func:`~.api.fallback_lines`, :func:`~.api.vectorised_lines`.
"""
