"""Small dense linear solves inside kernels (least-squares normal equations of a few terms),
where calling np.linalg from compiled code would allocate and give no way to say
"singular" without an exception."""
from __future__ import annotations

import numpy as np

from kernels._jit import jit


@jit
def solve_in_place(m: np.ndarray, rhs: np.ndarray, rel_tol: float) -> bool:
    """Gaussian elimination with partial pivoting: rhs (k, c) <- m^-1 rhs (m is
    overwritten); False when a pivot is not above rel_tol x the largest diagonal entry."""
    k = m.shape[0]
    scale = 0.0
    for i in range(k):
        scale = max(scale, abs(m[i, i]))
    for col in range(k):
        piv = col
        for r in range(col + 1, k):
            if abs(m[r, col]) > abs(m[piv, col]):
                piv = r
        if not abs(m[piv, col]) > rel_tol * scale:
            return False
        if piv != col:
            for c in range(k):
                m[col, c], m[piv, c] = m[piv, c], m[col, c]
            for c in range(rhs.shape[1]):
                rhs[col, c], rhs[piv, c] = rhs[piv, c], rhs[col, c]
        for r in range(col + 1, k):
            g = m[r, col] / m[col, col]
            for c in range(col, k):
                m[r, c] -= g * m[col, c]
            for c in range(rhs.shape[1]):
                rhs[r, c] -= g * rhs[col, c]
    for col in range(k - 1, -1, -1):
        for c in range(rhs.shape[1]):
            v = rhs[col, c]
            for j in range(col + 1, k):
                v -= m[col, j] * rhs[j, c]
            rhs[col, c] = v / m[col, col]
    return True
