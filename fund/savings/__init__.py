"""Member savings (สัจจะ): agreed monthly amounts, deposits, withdrawals and the passbook."""
