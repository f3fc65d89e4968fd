"""Numba kernels: pure functions, arrays and scalars in, arrays and scalars out.

Each kernel has a plain NumPy reference beside it (`*_ref`) and tests comparing the two.
This package imports nothing of the project (DESIGN.md), so kernels can be reused and
benchmarked alone. Parameters are arguments: a cached Numba function freezes globals.
"""
