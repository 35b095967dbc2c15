"""The repair center's settings: one row, changed by repair staff or the admin."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fund.db import Base, UTCDateTime


class RepairSettings(Base):
    __tablename__ = "repair_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("stuck_after_days >= 1", name="stuck_positive"),
        CheckConstraint("warranty_days >= 0", name="warranty_not_negative"),
        CheckConstraint("follow_up_days >= 1", name="follow_up_positive"),
        CheckConstraint("labour_rate_satang >= 0", name="rate_not_negative"),
        CheckConstraint("loan_days >= 1", name="loan_days_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: a paused job longer than this many days is flagged "stuck"
    stuck_after_days: Mapped[int] = mapped_column(default=14)
    #: workmanship warranty after delivery, days: a return job inside it is free by default
    warranty_days: Mapped[int] = mapped_column(default=90)
    #: follow-up after delivery or provision, days (WHO: within six months)
    follow_up_days: Mapped[int] = mapped_column(default=180)
    #: default labour rate, satang per hour
    labour_rate_satang: Mapped[int] = mapped_column(default=10_000)
    #: default length of a long-term loan, days
    loan_days: Mapped[int] = mapped_column(default=90)
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
