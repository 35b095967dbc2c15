"""Warm-up for the statement batches' worker processes (see `reports.batch`).

The batches' fork server imports this module once; every worker is then forked from a process
that already has what a first statement would otherwise load: the Sarabun fonts and their
HarfBuzz faces, the Thai word dictionary (~60,000 words), ReportLab's parser and the shaped
fixed labels of a statement in both sizes.  Importing it has exactly that side effect.
"""

from __future__ import annotations

from reports.examples import example_statement
from reports.statement import statement_pdf


def warm() -> None:
    """Render an example statement, normal and large print, and throw the PDFs away."""
    statement_pdf(example_statement())
    statement_pdf(example_statement(large_print=True))


warm()
