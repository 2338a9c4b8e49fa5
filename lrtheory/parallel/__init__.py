"""lrtheory.parallel"""
