"""Evaluation harness (issue 3/6): citation accuracy and grounding on test sets."""
