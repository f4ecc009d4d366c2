"""Literals, as the encoding and the algorithms above it pass them around: a CP-SAT boolean
variable, its negation, or a Python constant where a condition is known before solving."""

from __future__ import annotations

from ortools.sat.python import cp_model, cp_model_helper

Literal = cp_model.IntVar | cp_model_helper.Literal | bool  # a BoolVar, its negation, a constant


def negation(lit: Literal) -> Literal:
    return (not lit) if isinstance(lit, bool) else ~lit
