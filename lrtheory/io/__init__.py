"""lrtheory.io"""
