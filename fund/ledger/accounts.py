"""The chart of accounts the migration seeds, and what each account is for."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AccountCode(StrEnum):
    CASH = "1010"
    BANK = "1020"
    LOANS_RECEIVABLE = "1100"
    INTEREST_RECEIVABLE = "1110"
    MEMBER_RECEIVABLES = "1200"
    PARTS_INVENTORY = "1300"
    MEMBER_SAVINGS = "2010"
    WELFARE_FUND = "3100"
    RESERVE = "3200"
    DIVIDENDS = "3300"
    ACCUMULATED_SURPLUS = "3900"
    OPENING_BALANCES = "3950"
    INTEREST_INCOME = "4010"
    FEE_INCOME = "4020"
    GRANTS_DONATIONS = "4100"
    REPAIR_INCOME = "4200"
    WELFARE_EXPENSE = "5010"
    REPAIR_EXPENSE = "5020"
    DEVICE_EXPENSE = "5030"
    LOAN_WRITE_OFF = "5040"
    OPERATING_EXPENSES = "5900"


class AccountType(StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    INCOME = "income"
    EXPENSE = "expense"

    @property
    def debit_normal(self) -> bool:
        """Assets and expenses grow by debits; the others by credits."""
        return self in (AccountType.ASSET, AccountType.EXPENSE)


class Subledger(StrEnum):
    """Which key every line of an account must carry (its sub-ledger)."""

    NONE = "none"
    MEMBER = "member"
    LOAN = "loan"


@dataclass(frozen=True)
class AccountSeed:
    code: AccountCode
    name_th: str
    name_en: str
    type: AccountType
    subledger: Subledger = Subledger.NONE
    #: the balance may never go against its normal side (cash can't be negative)
    never_negative: bool = False


CHART: tuple[AccountSeed, ...] = (
    AccountSeed(AccountCode.CASH, "เงินสด", "Cash on hand", AccountType.ASSET, never_negative=True),
    AccountSeed(
        AccountCode.BANK, "เงินฝากธนาคาร", "Bank account", AccountType.ASSET, never_negative=True
    ),
    AccountSeed(
        AccountCode.LOANS_RECEIVABLE,
        "ลูกหนี้เงินกู้",
        "Loans receivable",
        AccountType.ASSET,
        Subledger.LOAN,
        never_negative=True,
    ),
    AccountSeed(
        AccountCode.INTEREST_RECEIVABLE,
        "ดอกเบี้ยค้างรับ",
        "Interest receivable",
        AccountType.ASSET,
        Subledger.LOAN,
    ),
    AccountSeed(
        AccountCode.MEMBER_RECEIVABLES,
        "ลูกหนี้สมาชิก",
        "Member receivables",
        AccountType.ASSET,
        Subledger.MEMBER,
    ),
    AccountSeed(AccountCode.PARTS_INVENTORY, "อะไหล่คงคลัง", "Parts inventory", AccountType.ASSET),
    AccountSeed(
        AccountCode.MEMBER_SAVINGS,
        "เงินสัจจะสะสมของสมาชิก",
        "Member savings",
        AccountType.LIABILITY,
        Subledger.MEMBER,
        never_negative=True,
    ),
    AccountSeed(AccountCode.WELFARE_FUND, "กองทุนสวัสดิการ", "Welfare fund", AccountType.EQUITY),
    AccountSeed(AccountCode.RESERVE, "ทุนสำรอง", "Reserve", AccountType.EQUITY),
    AccountSeed(
        AccountCode.DIVIDENDS,
        "เงินปันผลและเงินเฉลี่ยคืน",
        "Dividends and refunds",
        AccountType.EQUITY,
    ),
    AccountSeed(
        AccountCode.ACCUMULATED_SURPLUS,
        "ส่วนเกินสะสม",
        "Accumulated surplus",
        AccountType.EQUITY,
    ),
    AccountSeed(
        AccountCode.OPENING_BALANCES,
        "ทุนยอดยกมา",
        "Opening balance equity",
        AccountType.EQUITY,
    ),
    AccountSeed(
        AccountCode.INTEREST_INCOME, "รายได้ดอกเบี้ยเงินกู้", "Loan interest income", AccountType.INCOME
    ),
    AccountSeed(AccountCode.FEE_INCOME, "รายได้ค่าธรรมเนียมและค่าปรับ", "Fees", AccountType.INCOME),
    AccountSeed(
        AccountCode.GRANTS_DONATIONS,
        "เงินอุดหนุนและเงินบริจาค",
        "Grants and donations",
        AccountType.INCOME,
    ),
    AccountSeed(AccountCode.REPAIR_INCOME, "รายได้ค่าซ่อม", "Repair charges", AccountType.INCOME),
    AccountSeed(
        AccountCode.WELFARE_EXPENSE, "ค่าใช้จ่ายสวัสดิการ", "Welfare benefits", AccountType.EXPENSE
    ),
    AccountSeed(AccountCode.REPAIR_EXPENSE, "ค่าใช้จ่ายซ่อมสร้าง", "Repair costs", AccountType.EXPENSE),
    AccountSeed(
        AccountCode.DEVICE_EXPENSE, "ค่าอุปกรณ์เครื่องช่วย", "Assistive devices", AccountType.EXPENSE
    ),
    AccountSeed(AccountCode.LOAN_WRITE_OFF, "หนี้สูญ", "Loans written off", AccountType.EXPENSE),
    AccountSeed(
        AccountCode.OPERATING_EXPENSES, "ค่าใช้จ่ายดำเนินงาน", "Operating expenses", AccountType.EXPENSE
    ),
)

SEED_BY_CODE = {seed.code: seed for seed in CHART}

#: the accounts money is physically in (cash book)
CASH_ACCOUNTS = (AccountCode.CASH, AccountCode.BANK)
