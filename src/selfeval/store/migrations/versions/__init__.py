"""One file per schema change of the store's tables, oldest first (0001 is the baseline)."""
