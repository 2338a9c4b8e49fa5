"""lrtheory.plots"""
