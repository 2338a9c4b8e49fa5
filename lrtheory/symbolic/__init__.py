"""lrtheory.symbolic"""
