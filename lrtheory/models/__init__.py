"""lrtheory.models"""
