"""Import every model module so ``Base.metadata`` knows every table (Alembic, tests).

Each area adds its models module here when it lands.
"""

from fund.audit import models as audit_models  # noqa: F401
from fund.members import models as member_models  # noqa: F401
from fund.sequences import Counter  # noqa: F401
from fund.users import models as user_models  # noqa: F401
