"""Render many members' statements, on several cores when there are many.

The data is assembled first (one database session, in the caller); rendering is pure and
CPU-bound (shaping, line breaking, font subsetting), so it is spread over worker processes,
each handed a chunk of `StatementData`.  A single-file batch renders chunks in parallel and
joins them in order with pypdf when it is installed; without pypdf it renders in one process.

Workers are forked from a fork server (``forkserver``: safe inside a threaded web server, as
the server process itself is started fresh) that has imported `reports.preload`, so they start
with the fonts, the Thai dictionary and the fixed labels already loaded instead of spending
seconds each on them; the fork server lives as long as the process that started it, so later
batches start warm too.  Where there is no fork server (Windows) workers are spawned cold.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.context import BaseContext

from reports.model import StatementData
from reports.statement import TITLE, statement_pdf, statements_pdf
from reports.thai_text import LANG

#: below this many statements, starting worker processes costs more than it saves
PARALLEL_MIN = 8
CHUNK = 6

Progress = Callable[[int, int], None]


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def _render_one(args: tuple[StatementData, bool | None]) -> bytes:
    data, large = args
    return statement_pdf(data, large_print=large)


def _render_chunk(args: tuple[Sequence[StatementData], bool | None]) -> bytes:
    chunk, large = args
    return statements_pdf(list(chunk), large_print=large)


def _chunks(items: Sequence[StatementData], size: int) -> list[Sequence[StatementData]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _can_merge() -> bool:
    try:
        import pypdf  # noqa: F401
    except ModuleNotFoundError:  # pragma: no cover - pypdf is installed with the test extras
        return False
    return True


def merge_pdfs(parts: Sequence[bytes], *, title: str = "", author: str = "") -> bytes:
    """Join PDFs in order (pages, text layers and fonts kept), marked as Thai."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    writer.add_metadata({"/Title": title, "/Author": author, "/Creator": "chaeson"})
    writer._root_object[NameObject("/Lang")] = TextStringObject(LANG)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


#: imported by the fork server before it forks any worker ("__main__" as multiprocessing's
#: default, so functions of the main script unpickle in the workers)
PRELOAD = ["__main__", "reports.preload"]


def worker_context() -> BaseContext:
    """The multiprocessing context the workers start from (see the module's docstring)."""
    if "forkserver" in get_all_start_methods():
        context = get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)  # no effect once the fork server runs
        return context
    return get_context("spawn")  # pragma: no cover - Windows


def start_workers_early(workers: int | None = None) -> None:
    """Start the fork server now, so its warm-up runs while the caller gathers the data."""
    workers = default_workers() if workers is None else workers
    if workers > 1 and "forkserver" in get_all_start_methods():
        from multiprocessing import forkserver

        worker_context()
        forkserver.ensure_running()


def _is_warm(_job=None) -> bool:
    """In a worker: did it start with the preload's fonts, dictionary and labels?"""
    from reports import fonts, thai_text

    return (
        "reports.preload" in sys.modules
        and thai_text._dictionary.cache_info().currsize == 1
        and len(fonts.shape_cache) > 0
    )


def _chunksize(jobs: int, workers: int) -> int:
    """Jobs sent to a worker at a time: fewer round trips, still ~8 rounds per worker."""
    return max(1, min(8, jobs // (workers * 8)))


def _pool_map(fn, jobs: list, workers: int) -> Iterator:
    with ProcessPoolExecutor(max_workers=workers, mp_context=worker_context()) as pool:
        yield from pool.map(fn, jobs, chunksize=_chunksize(len(jobs), workers))


def render_each(
    statements: Sequence[StatementData],
    *,
    large_print: bool | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> Iterator[tuple[StatementData, bytes]]:
    """One PDF per member, yielded in order as they are ready."""
    workers = default_workers() if workers is None else workers
    total = len(statements)
    jobs = [(data, large_print) for data in statements]
    if workers > 1 and total >= PARALLEL_MIN:
        results: Iterator[bytes] = _pool_map(_render_one, jobs, workers)
    else:
        results = map(_render_one, jobs)
    for done, (data, pdf) in enumerate(zip(statements, results, strict=True), start=1):
        if progress is not None:
            progress(done, total)
        yield data, pdf


def render_single_file(
    statements: Sequence[StatementData],
    *,
    large_print: bool | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> bytes:
    """All statements in one PDF, each member starting on a new page and numbered alone."""
    if not statements:
        raise ValueError("no statements to print")
    workers = default_workers() if workers is None else workers
    total = len(statements)
    if workers <= 1 or total < PARALLEL_MIN or not _can_merge():
        pdf = statements_pdf(list(statements), large_print=large_print)
        if progress is not None:
            progress(total, total)
        return pdf
    chunks = _chunks(statements, CHUNK)
    parts = []
    done = 0
    for chunk, part in zip(
        chunks, _pool_map(_render_chunk, [(c, large_print) for c in chunks], workers), strict=True
    ):
        parts.append(part)
        done += len(chunk)
        if progress is not None:
            progress(done, total)
    first = statements[0]
    title = f"{TITLE} {total} ราย"
    return merge_pdfs(parts, title=title, author=first.fund.name)
