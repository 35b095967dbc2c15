"""The fund's double-entry books: accounts, the journal, periods, receipts and balances."""
