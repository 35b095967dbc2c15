"""Batch rendering over worker processes: order, per-member numbering and progress survive."""

from __future__ import annotations

import dataclasses
import re
from multiprocessing import get_all_start_methods

import pytest

from reports import batch
from reports.examples import example_statement
from reports.thai_text import page_label


def _members(n: int):
    base = example_statement()
    return [
        dataclasses.replace(base, member_no=f"CS-{100 + i:04d}", member_name=f"นายปั๊ม ที่{i}")
        for i in range(n)
    ]


@pytest.mark.slow
def test_single_file_on_two_processes_keeps_order_and_numbers_each_member(monkeypatch, pdfcheck):
    monkeypatch.setattr(batch, "PARALLEL_MIN", 2)
    monkeypatch.setattr(batch, "CHUNK", 2)
    statements = _members(5)
    seen = []
    pdf = batch.render_single_file(statements, workers=2, progress=lambda d, t: seen.append((d, t)))
    pages = pdfcheck.pypdf_pages(pdf)
    per_member = pdfcheck.page_count(batch.statement_pdf(statements[0]))
    assert len(pages) == 5 * per_member
    for i, data in enumerate(statements):
        for p in range(per_member):
            page = pages[i * per_member + p]
            assert f"สมาชิกเลขที่ {data.member_no}" in page
            assert page_label(p + 1, per_member) in page
    assert seen[-1] == (5, 5) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert pdfcheck.metadata(pdf).title == "รายงานสถานะบัญชีสมาชิก 5 ราย"


@pytest.mark.slow
def test_one_file_each_on_two_processes_in_order(monkeypatch, pdfcheck):
    monkeypatch.setattr(batch, "PARALLEL_MIN", 2)
    statements = _members(3)
    seen = []
    results = list(batch.render_each(statements, workers=2, progress=lambda d, t: seen.append(d)))
    assert [d.member_no for d, _ in results] == [s.member_no for s in statements]
    for data, pdf in results:
        assert f"สมาชิกเลขที่ {data.member_no}" in pdfcheck.pypdf_pages(pdf)[0]
    assert seen == [1, 2, 3]


def test_small_batches_render_in_process_and_large_print_is_forced(pdfcheck):
    statements = _members(2)
    pdf = batch.render_single_file(statements, large_print=True, workers=4)
    assert min(pdfcheck.font_sizes_of_thai_text(pdf)) >= 16
    assert pdfcheck.metadata(pdf).title == "รายงานสถานะบัญชีสมาชิก 2 ราย"


def test_empty_batch_is_refused():
    with pytest.raises(ValueError):
        batch.render_single_file([])
    assert list(batch.render_each([])) == []


@pytest.mark.slow
def test_many_statements_in_chunks_come_back_complete_and_in_order():
    statements = _members(40)
    assert batch._chunksize(len(statements), 2) > 1  # several statements per round trip
    seen = []
    results = list(batch.render_each(statements, workers=2, progress=lambda d, t: seen.append(d)))
    assert [d.member_no for d, _ in results] == [s.member_no for s in statements]
    assert all(pdf.startswith(b"%PDF") for _, pdf in results)
    assert seen == list(range(1, 41))
    # the same bytes as rendering each in this process (the workers' warm caches change nothing)
    for data, pdf in results[:3]:
        assert _strip_ids(pdf) == _strip_ids(batch.statement_pdf(data))


def _strip_ids(pdf: bytes) -> bytes:
    """A PDF without what differs between any two renders (time stamps, document ids)."""
    pdf = re.sub(rb"/(CreationDate|ModDate) \(D:[^)]*\)", b"", pdf)
    return re.sub(rb"/ID\s*\[<[0-9a-f]+><[0-9a-f]+>\]", b"", pdf)


@pytest.mark.skipif(
    "forkserver" not in get_all_start_methods(), reason="no fork server on this platform"
)
def test_workers_start_from_a_warm_fork_server():
    context = batch.worker_context()
    assert context.get_start_method() == "forkserver"
    assert "reports.preload" in batch.PRELOAD
    assert list(batch._pool_map(batch._is_warm, [None, None], 2)) == [True, True]


def test_chunks_keep_every_worker_busy():
    assert batch._chunksize(5, 2) == 1
    assert batch._chunksize(1000, 2) == 8
    assert batch._chunksize(100, 4) == 3
