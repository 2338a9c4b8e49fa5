"""lrtheory.bands"""
