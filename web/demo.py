"""Realistic Thai demo data: members of Chae Son subdistrict and a few years of their history.

Each area's ``demo.py`` (see :mod:`fund.demo`) is found and run in order, so ``chaeson demo``
always shows everything the software can do.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import random
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fund.demo import DemoContext
from fund.members.models import Member, MemberStatus, Sex
from fund.sequences import next_value
from fund.users.models import Role, User
from fund.users.services import create_user


class DemoRefused(Exception):
    pass


def demo_steps() -> list:
    """Every area's ``demo.py`` module (with ``run_demo``), in ``DEMO_ORDER``."""
    import fund
    import repair_center

    found = []
    for package in (fund, repair_center):
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
            if info.name.rsplit(".", 1)[-1] == "demo" and info.name != "fund.demo":
                module = importlib.import_module(info.name)
                if hasattr(module, "run_demo"):
                    found.append(module)
    return sorted(found, key=lambda m: (getattr(m, "DEMO_ORDER", 100), m.__name__))


DEMO_USERS = [
    ("admin", "ผู้ดูแลระบบ สมศักดิ์", Role.ADMIN),
    ("committee", "ประธานกองทุน บุญเรือน", Role.COMMITTEE),
    ("committee2", "เหรัญญิก ทองใบ", Role.COMMITTEE),
    ("repair", "ช่างซ่อมสร้าง ประเสริฐ", Role.REPAIR),
    ("auditor", "ผู้ตรวจสอบ วิไลวรรณ", Role.AUDITOR),
]

MALE_NAMES = [
    "สมชาย",
    "บุญมี",
    "ประเสริฐ",
    "ทองดี",
    "สุริยา",
    "อินทร์",
    "แก้ว",
    "คำปัน",
    "ศรีนวล",
    "จันทร์ตา",
    "ปิ่นแก้ว",
    "ณัฐวุฒิ",
    "ธีรศักดิ์",
    "อุดม",
    "เสาร์แก้ว",
]
FEMALE_NAMES = [
    "บัวผัน",
    "คำแปง",
    "ศรีพรรณ",
    "จันทร์เพ็ญ",
    "ปิ่นทอง",
    "บุญศรี",
    "สมหญิง",
    "แสงเดือน",
    "น้ำฝน",
    "ดวงใจ",
    "ญาดา",
    "ฐิติมา",
    "พิมพ์ใจ",
    "ทองใบ",
    "คำมูล",
]
LAST_NAMES = [
    "ใจดี",
    "แก้วมูล",
    "ปัญญาดี",
    "ทาแก้ว",
    "ศรีวิชัย",
    "อินต๊ะ",
    "คำปวน",
    "ปินตา",
    "ธรรมวงศ์",
    "ยาวิชัย",
    "จันทร์ติ๊บ",
    "สุภาพ",
    "ปิ่นเงิน",
    "วงศ์ไชย",
    "กันทะวงศ์",
]
VILLAGES = [
    (1, "บ้านแจ้ซ้อน"),
    (2, "บ้านทุ่งโป่ง"),
    (3, "บ้านป่าเหียง"),
    (4, "บ้านหัวฝาย"),
    (5, "บ้านสบลี"),
    (6, "บ้านแม่ขุ่น"),
    (7, "บ้านใหม่"),
    (8, "บ้านทุ่งหลวง"),
]
OCCUPATIONS = [
    ("เกษตรกร", "ปลูกข้าวและเลี้ยงไก่"),
    ("ค้าขาย", "ร้านขายของชำหน้าบ้าน"),
    ("จักสาน", "สานตะกร้าไม้ไผ่ขาย"),
    ("รับจ้าง", "ซ่อมรถจักรยานยนต์"),
    ("เลี้ยงสัตว์", "เลี้ยงหมูและวัว"),
    ("ทอผ้า", "ทอผ้าฝ้ายขายในตลาด"),
]


def load_demo(
    session: Session,
    *,
    members: int,
    years: int,
    password: str,
    seed: int,
    now: dt.datetime,
    progress: Callable[[str], None] = lambda _m: None,
) -> str:
    """Fill an empty database; refuse (DemoRefused) when any user or member already exists."""
    if session.scalar(select(func.count()).select_from(User)) or session.scalar(
        select(func.count()).select_from(Member)
    ):
        raise DemoRefused(
            "ฐานข้อมูลมีข้อมูลอยู่แล้ว จึงไม่โหลดข้อมูลตัวอย่าง "
            "(the database is not empty; demo data is only loaded into an empty database)"
        )
    rng = random.Random(seed)
    today = now.date()
    start = dt.date(today.year - years, today.month, 1)
    users = {}
    for username, name, role in DEMO_USERS:
        users[username] = create_user(
            session, username=username, display_name=name, role=role, password=password, now=now
        )
    progress(f"ผู้ใช้ {len(users)} คน (users)")
    member_list = _members(session, rng, members, start, now)
    progress(f"สมาชิก {len(member_list)} คน (members)")
    ctx = DemoContext(session, rng, now, start, today, users, member_list, progress)
    for module in demo_steps():
        module.run_demo(ctx)
    return "\n".join([f"โหลดข้อมูลตัวอย่างแล้ว: สมาชิก {len(member_list)} คน, {years} ปี", *ctx.notes])


def _members(
    session: Session, rng: random.Random, n: int, start: dt.date, now: dt.datetime
) -> list[Member]:
    result = []
    for _ in range(n):
        sex = rng.choice([Sex.MALE, Sex.FEMALE])
        first = rng.choice(MALE_NAMES if sex is Sex.MALE else FEMALE_NAMES)
        title = "นาย" if sex is Sex.MALE else rng.choice(["นาง", "นางสาว"])
        occupation, livelihood = rng.choice(OCCUPATIONS)
        moo, village = rng.choice(VILLAGES)
        joined = start + dt.timedelta(days=rng.randrange(0, 120))
        number = next_value(session, "member_no")
        member = Member(
            member_no=f"CS-{number:04d}",
            title=title,
            first_name=first,
            last_name=rng.choice(LAST_NAMES),
            birth_date=dt.date(
                rng.randrange(1950, 2000), rng.randrange(1, 13), rng.randrange(1, 29)
            ),
            sex=sex,
            phone=f"08{rng.randrange(10_000_000, 99_999_999)}",
            house_no=f"{rng.randrange(1, 200)}"
            + (f"/{rng.randrange(1, 9)}" if rng.random() < 0.2 else ""),
            moo=moo,
            village=village,
            tambon="แจ้ซ้อน",
            amphoe="เมืองปาน",
            province="ลำปาง",
            postcode="52240",
            occupation=occupation,
            livelihood=livelihood,
            joined_on=joined,
            status=MemberStatus.ACTIVE,
            created_at=now,
        )
        session.add(member)
        result.append(member)
    session.flush()
    return result
