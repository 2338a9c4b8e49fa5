"""lrtheory.cli"""
