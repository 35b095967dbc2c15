"""Gap-free counters: sequential, independent per name, and safe on a concurrent first use."""

from __future__ import annotations

import threading

from sqlalchemy.orm import Session

from fund.sequences import next_value, peek_value
from web.db import Sessions, make_engine


def test_counters_count_from_one_without_gaps_per_name(db):
    assert [next_value(db, "a") for _ in range(3)] == [1, 2, 3]
    assert next_value(db, "b") == 1
    assert peek_value(db, "a") == 3
    assert peek_value(db, "never-used") == 0


def test_a_rolled_back_number_is_given_out_again(db):
    db.commit()
    nested = db.begin_nested()
    assert next_value(db, "receipt:2569") == 1
    nested.rollback()
    assert next_value(db, "receipt:2569") == 1


def test_concurrent_first_use_of_a_counter_gives_distinct_numbers(backend, database_factory):
    engine = make_engine(database_factory.new_url(backend))
    sessions = Sessions(engine)
    results: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def take() -> None:
        session: Session = sessions(write=True)
        try:
            barrier.wait()
            results.append(next_value(session, "race"))
            session.commit()
        except BaseException as err:
            errors.append(err)
        finally:
            session.close()

    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()
    assert errors == []
    assert sorted(results) == [1, 2, 3, 4]
