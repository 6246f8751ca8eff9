"""The one error the cost estimator reports to users: bad input, with a one-line reason."""

from __future__ import annotations


class CostInputError(Exception):
    """A user input (option, prices file, traffic profile) that cannot be used; exit code 2."""
