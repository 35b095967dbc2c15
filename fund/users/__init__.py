"""Users of the software (committee, repair staff, auditor, admin), their logins and sessions."""
