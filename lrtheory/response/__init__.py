"""lrtheory.response"""
