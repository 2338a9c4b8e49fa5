"""lrtheory.finite: finite systems with exact eigenstates (Eq. 17)."""
