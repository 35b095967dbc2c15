"""Demo data for members: national IDs, disability types, caregivers, health notes and consents.

The foundation's demo loader creates the member rows; this step fills in what the members area
owns, through the services, as the committee would at the counter.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from fund.demo import DemoContext
from fund.members.national_id import check_digit
from fund.members.sensitive import ConsentGivenBy, ConsentPurpose, DisabilityType, LegalBasis
from fund.members.services import (
    MemberDetails,
    SensitiveDetails,
    record_consent,
    update_member,
)

DEMO_ORDER = 10

#: weights roughly as registered disabled people in Thailand: mobility far the most common
_TYPE_WEIGHTS = [
    (DisabilityType.PHYSICAL_OR_MOBILITY, 48),
    (DisabilityType.HEARING_OR_COMMUNICATION, 18),
    (DisabilityType.VISUAL, 11),
    (DisabilityType.MENTAL_OR_BEHAVIOURAL, 8),
    (DisabilityType.INTELLECTUAL, 8),
    (DisabilityType.LEARNING, 4),
    (DisabilityType.AUTISM, 3),
]
_CAREGIVERS = [
    ("บุตร", "นาย"),
    ("บุตรสาว", "นาง"),
    ("คู่สมรส", "นาง"),
    ("มารดา", "นาง"),
    ("หลาน", "นางสาว"),
]
_CAREGIVER_FIRST = ["อำนาจ", "สุนีย์", "วันเพ็ญ", "ประยูร", "จันทร์แก้ว", "สมพร", "บุญยืน"]
_HEALTH = [
    "ใช้รถเข็น ต้องมีทางลาดเข้าบ้าน",
    "ความดันโลหิตสูง รับยาที่ รพ.สต. ทุกเดือน",
    "เบาหวาน ต้องตรวจน้ำตาลสม่ำเสมอ",
    "ใช้ไม้ค้ำยัน ขาซ้ายอ่อนแรง",
    "ใช้เครื่องช่วยฟัง ต้องเปลี่ยนแบตเตอรี่ทุก 2 สัปดาห์",
    "",
]


def _national_id(rng, used: set[str], stateless: bool) -> str:
    while True:
        if stateless:
            first12 = "0" + "0" + f"{rng.randrange(10**10):010d}"
        else:
            # 1 or 3 first (born after / registered before 1984), 52 = Lampang
            first12 = rng.choice("13") + "52" + f"{rng.randrange(10**9):09d}"
        nid = first12 + str(check_digit(first12))
        if nid not in used:
            used.add(nid)
            return nid


def _types(rng) -> frozenset[int]:
    population = [t for t, _ in _TYPE_WEIGHTS]
    weights = [w for _, w in _TYPE_WEIGHTS]
    first = rng.choices(population, weights)[0]
    chosen = {int(first)}
    if rng.random() < 0.15:
        chosen.add(int(rng.choices(population, weights)[0]))
    return frozenset(chosen)


def run_demo(ctx: DemoContext) -> None:
    committee = ctx.users["committee"]
    # Our own stream: drawing from ctx.rng would shift every later area's random choices.
    rng = random.Random(f"members:{ctx.start.isoformat()}:{len(ctx.members)}")
    used: set[str] = set()
    caregivers = stateless = 0
    for index, member in enumerate(ctx.members):
        is_stateless = index % 29 == 7  # a few hill-tribe members without registration
        stateless += is_stateless
        details = MemberDetails.of(member)
        if rng.random() < 0.35:
            relation, title = rng.choice(_CAREGIVERS)
            details = dataclasses.replace(
                details,
                caregiver_name=f"{title}{rng.choice(_CAREGIVER_FIRST)} {member.last_name}",
                caregiver_relation=relation,
                caregiver_phone=f"09{rng.randrange(10_000_000, 99_999_999)}",
            )
            caregivers += 1
        update_member(
            ctx.session,
            member=member,
            details=details,
            sensitive=SensitiveDetails(
                national_id=_national_id(rng, used, is_stateless),
                disability_types=_types(rng),
                card_expires_on=member.joined_on + dt.timedelta(days=365 * rng.randrange(4, 9)),
                health_notes=rng.choice(_HEALTH),
            ),
            by=committee,
            now=ctx.now,
        )
        by_representative = bool(details.caregiver_name) and rng.random() < 0.6
        record_consent(
            ctx.session,
            member=member,
            given_by=(
                ConsentGivenBy.REPRESENTATIVE if by_representative else ConsentGivenBy.MEMBER
            ),
            representative_name=details.caregiver_name if by_representative else "",
            representative_relation=details.caregiver_relation if by_representative else "",
            legal_basis=LegalBasis.CONSENT,
            purposes=list(ConsentPurpose),
            given_on=member.joined_on,
            by=committee,
            now=ctx.now,
        )
    ctx.session.flush()
    ctx.progress(
        f"ข้อมูลอ่อนไหวและความยินยอม {len(ctx.members)} คน "
        f"(ผู้ดูแล {caregivers}, ไร้สถานะ {stateless}) (members' sensitive data and consents)"
    )
