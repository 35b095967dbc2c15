from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fund.users.models import Role, User


def get_user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username.strip().lower()))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def list_second_factor_users(session: Session) -> list[User]:
    """Admin and committee users (those a second factor is for), by name."""
    return list(
        session.scalars(
            select(User)
            .where(User.role.in_([Role.ADMIN, Role.COMMITTEE]))
            .order_by(User.is_active.desc(), User.username)
        )
    )
