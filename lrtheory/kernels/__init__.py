"""lrtheory.kernels"""
