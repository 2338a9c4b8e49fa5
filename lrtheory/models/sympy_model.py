r"""Bloch models typed as a SymPy matrix ``H(kx, ky[, kz])`` with named parameters.

A user writes the Bloch Hamiltonian as a :class:`sympy.Matrix` in the symbols ``kx, ky``
(``kz``) and any named parameters, e.g.

>>> import sympy as sp
>>> kx, ky, m = sp.symbols("kx ky m", real=True)
>>> H = sp.Matrix([[m + sp.cos(kx) + sp.cos(ky), sp.sin(kx) - sp.I * sp.sin(ky)],
...                [sp.sin(kx) + sp.I * sp.sin(ky), -(m + sp.cos(kx) + sp.cos(ky))]])
>>> model = SympyBlochModel(H, params={"m": -1.0}, lattice_vectors=[[1, 0], [0, 1]])
>>> model.hamiltonian([[0.1, 0.2]]).shape
(1, 2, 2)

What happens once, at construction:

1. every symbol is replaced by a *real* symbol of the same name (k and parameters are real);
   Hermiticity is checked symbolically, ``simplify(H - H^dagger) == 0`` entry by entry; an
   entry SymPy cannot reduce is evaluated at random real points and the model is rejected
   (:class:`~lrtheory.errors.ModelError` naming the entry) if it is not zero there;
2. ``dH/dk_a`` is obtained with :func:`sympy.diff`;
3. the distinct non-zero *scalar entries* of H and of dH/dk are lambdified (NumPy, ``cse``)
   into one function each; constant matrices (one per distinct entry, qsymm style:
   ``H(k) = sum_e f_e(k, p) M_e``) are contracted with the values by ``einsum``. Each value is
   broadcast to the k-batch shape, so constant entries never collapse the batch axes
   (lambdify's usual broadcasting trap). The generated source is kept in :attr:`source`.

Bloch convention
----------------
The H(k) you type defines the convention. lrtheory's response code assumes the
atomic-position convention (paper Eq. S48: ``H_ij(k) = sum_R t_ij(R) exp(i k.(R + r_j -
r_i))``), in which ``dH/dk`` is the velocity operator and the interband Berry connection
carries the intracell positions. Band energies and band velocities do not depend on the
convention, but the Berry connection, the orbital moment (OMM) and every density resolved
in position do: for those, give ``positions`` and write H(k) in the atomic-position
convention. Without ``positions`` the model has none (``has_positions`` is False), and
asking for them raises :class:`~lrtheory.models.protocol.MissingGeometryError`; without
``lattice_vectors``, ``lattice_vectors`` is None (no Brillouin zone: k-grids raise).

Units: energies in t0, k Cartesian in 1/a, velocity ``dH/dk`` in t0 a (hbar = 1).
"""
from __future__ import annotations

import inspect
from typing import Mapping, Sequence

import numpy as np

from lrtheory.errors import ModelError, ShapeError, check_finite
from lrtheory.models.protocol import BlochModel, MissingGeometryError
from lrtheory.models.time_reversal import TimeReversal

__all__ = ["SympyBlochModel", "MissingGeometryError", "K_SYMBOLS"]

#: names of the Cartesian wave-vector symbols, in order
K_SYMBOLS = ("kx", "ky", "kz")


def _to_real_symbols(expr_or_matrix, names: Sequence[str]):
    import sympy as sp

    free = {s for s in expr_or_matrix.free_symbols}
    repl = {s: sp.Symbol(s.name, real=True) for s in free}
    return expr_or_matrix.xreplace(repl), {s.name: repl[s] for s in free}


def _holds_text(obj, depth: int = 0) -> bool:
    """True if a (nested) sequence or array holds a str/bytes anywhere."""
    if isinstance(obj, (str, bytes)):
        return True
    if isinstance(obj, np.ndarray):
        return obj.dtype.kind in "USO" and any(_holds_text(x, depth + 1) for x in obj.flat)
    if isinstance(obj, (list, tuple)) and depth < 4:
        return any(_holds_text(x, depth + 1) for x in obj)
    return False


def _is_zero(expr) -> bool | None:
    """Symbolic zero test: True (proved zero), False (proved non-zero) or None (unknown)."""
    import sympy as sp

    if expr == 0:
        return True
    for attempt in (lambda e: sp.expand(e), lambda e: sp.simplify(e),
                    lambda e: sp.simplify(sp.expand(e.rewrite(sp.exp), complex=True))):
        try:
            r = attempt(expr)
        except Exception:  # noqa: BLE001 - SymPy can fail in many ways; fall back below
            continue
        if r == 0:
            return True
        if r.is_zero is False:
            return False
    return None


class SympyBlochModel(BlochModel):
    """A Bloch model from a SymPy matrix (a :class:`~lrtheory.models.protocol.BlochModel`;
    position-resolved quantities need ``positions``, k-grids need ``lattice_vectors``).

    Parameters
    ----------
    H : sympy.Matrix (n, n)
        Bloch Hamiltonian in the symbols ``kx, ky[, kz]`` (any assumptions; they are made
        real) and named parameters (energies in t0, k in 1/a).
    params : mapping str -> float
        Values of every parameter symbol of ``H``. A missing or unknown name raises
        :class:`~lrtheory.errors.ModelError` naming it.
    lattice_vectors : (dim, d_space) array, optional
        Cartesian lattice vectors (units of a); needed for k-grids, named k-points and
        ``dim < d_space`` models.
    positions : (n, d_space) array, optional
        Cartesian orbital positions (units of a). Give them only if ``H`` is written in the
        atomic-position convention (see the module notes); required by position-dependent
        quantities.
    time_reversal : TimeReversal, (n, n) array or None
        A declared TR operator ``Theta = U K`` (a bare ``U`` is converted); checked by
        :meth:`TimeReversal.check` (``H(-k) = U H(k)^* U^dagger`` on its fixed k sample,
        :class:`~lrtheory.errors.SymmetryError` if it fails).
    dim : int, optional
        Number of periodic directions. Default: ``len(lattice_vectors)`` if given, else the
        highest k symbol used (``kx`` -> 1, ``ky`` -> 2, ``kz`` -> 3).
    name : str
        Label.
    check_hermitian : bool
        Refuse a non-Hermitian ``H`` (:class:`~lrtheory.errors.ModelError`); False only for
        matrices known to be Hermitian (skips a symbolic check).
    """

    def __init__(self, H, params: Mapping[str, float] | None = None, *,
                 lattice_vectors=None, positions=None, time_reversal=None,
                 dim: int | None = None, name: str = "SymPy model",
                 check_hermitian: bool = True):
        import sympy as sp

        if not isinstance(H, sp.MatrixBase):
            if _holds_text(H):
                # sp.Matrix would sympify (evaluate) the strings: user text is never code
                raise ModelError(f"{name}: H holds strings; build it from SymPy objects, or "
                                 "write the matrix in a model file ('hamiltonian' key), whose "
                                 "expressions are parsed safely")
            try:
                H = sp.Matrix(H)
            except Exception as exc:  # noqa: BLE001
                raise ModelError(f"{name}: H must be a SymPy Matrix, got {type(H).__name__}"
                                 f" ({exc})") from None
        if H.rows != H.cols or H.rows == 0:
            raise ShapeError(f"{name}: H must be a non-empty square matrix, got {H.shape}")
        H, symbols = _to_real_symbols(sp.ImmutableMatrix(H), K_SYMBOLS)
        used_k = [s for s in K_SYMBOLS if s in symbols]
        if lattice_vectors is not None:
            lat = np.atleast_2d(check_finite("lattice_vectors",
                                             np.asarray(lattice_vectors, float)))
            dim = lat.shape[0] if dim is None else int(dim)
            if dim != lat.shape[0]:
                raise ShapeError(f"{name}: dim={dim} but {lat.shape[0]} lattice vectors given")
        else:
            lat = None
            if dim is None:
                dim = max((K_SYMBOLS.index(s) + 1 for s in used_k), default=1)
        if not 1 <= dim <= 3:
            raise ModelError(f"{name}: dim must be 1, 2 or 3, got {dim}")
        extra_k = [s for s in used_k if K_SYMBOLS.index(s) >= dim]
        if extra_k:
            raise ModelError(f"{name}: H uses {extra_k} but the model has dim={dim} "
                             f"(periodic directions {list(K_SYMBOLS[:dim])})")
        self.name = name
        self.dim = int(dim)
        self.n_orbitals = int(H.rows)
        self.symbolic_hamiltonian = H
        self._k_syms = [symbols.get(s, sp.Symbol(s, real=True)) for s in K_SYMBOLS[:dim]]
        self._param_syms = sorted((v for n, v in symbols.items() if n not in K_SYMBOLS),
                                  key=lambda s: s.name)
        self.params = self._check_params(params)
        if check_hermitian:
            self._check_hermitian()
        self.symbolic_velocity = [H.diff(k) for k in self._k_syms]
        self._h_fn, self._h_mats, h_src = self._compile([H], "hamiltonian")
        self._v_fn, self._v_mats, v_src = self._compile(self.symbolic_velocity, "velocity")
        self.source = h_src + "\n" + v_src
        self._lat = lat
        self._pos = None
        if positions is not None:
            pos = np.atleast_2d(check_finite("positions", np.asarray(positions, float)))
            if pos.shape[0] != self.n_orbitals:
                raise ShapeError(f"{name}: positions must have {self.n_orbitals} rows "
                                 f"(one per orbital), got shape {pos.shape}")
            if lat is not None and pos.shape[1] != lat.shape[1]:
                raise ShapeError(f"{name}: positions are {pos.shape[1]}-dimensional but "
                                 f"lattice vectors are {lat.shape[1]}-dimensional")
            self._pos = pos
        self.time_reversal = None
        if time_reversal is not None:
            self.time_reversal = self._checked_time_reversal(time_reversal)

    # -- pickling (worker processes, Dask) ----------------------------------------------------
    def __getstate__(self) -> dict:
        # lambdified functions live in generated modules and cannot be pickled: ship the
        # SymPy matrices and compile again on arrival
        state = self.__dict__.copy()
        for key in ("_h_fn", "_v_fn"):
            state.pop(key, None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._h_fn, self._h_mats, _ = self._compile([self.symbolic_hamiltonian], "hamiltonian")
        self._v_fn, self._v_mats, _ = self._compile(self.symbolic_velocity, "velocity")

    # -- construction helpers ---------------------------------------------------------------
    def _check_params(self, params) -> dict[str, float]:
        params = dict(params or {})
        known = [s.name for s in self._param_syms]
        unknown = sorted(set(params) - set(known))
        if unknown:
            raise ModelError(
                f"{self.name}: unknown parameter(s) {unknown}; H depends on {known or 'none'} "
                f"(k symbols {list(K_SYMBOLS[:self.dim])} are not parameters)"
            )
        missing = [n for n in known if n not in params]
        if missing:
            raise ModelError(f"{self.name}: missing value for parameter(s) {missing}: "
                             "pass params={name: value}")
        out = {}
        for k, v in params.items():
            try:
                x = complex(v)
            except (TypeError, ValueError):
                raise ModelError(f"{self.name}: parameter {k}={v!r} is not a number") from None
            if not np.isfinite(x) or x.imag != 0:
                raise ModelError(f"{self.name}: parameter {k}={v!r} must be a finite real "
                                 "number")
            out[k] = x.real
        return out

    def _check_hermitian(self) -> None:
        import sympy as sp

        H = self.symbolic_hamiltonian
        n = self.n_orbitals
        rng = np.random.default_rng(12345)
        for i in range(n):
            for j in range(i, n):
                diff = H[i, j] - sp.conjugate(H[j, i])
                status = _is_zero(diff)
                if status is True:
                    continue
                # not proved: evaluate at random real k and the given parameter values
                f = sp.lambdify(self._k_syms + self._param_syms, diff, "numpy")
                ks = rng.uniform(-np.pi, np.pi, size=(8, self.dim))
                vals = np.array([complex(f(*kk, *[self.params[s.name]
                                                  for s in self._param_syms])) for kk in ks])
                if status is False or np.max(np.abs(vals)) > 1e-10:
                    raise ModelError(
                        f"{self.name}: H is not Hermitian: H[{i},{j}] - conj(H[{j},{i}]) = "
                        f"{sp.simplify(diff)} (max {np.max(np.abs(vals)):.3g} at random k for "
                        "the given parameters)"
                    )

    def _compile(self, matrices, label: str):
        """Lambdify the distinct non-zero scalar entries of ``matrices`` once.

        Returns (function, M (n_matrices, m, n, n) indicator arrays, source)."""
        import sympy as sp

        n = self.n_orbitals
        exprs: list = []
        index: dict = {}
        M = []
        for a, mat in enumerate(matrices):
            for i in range(n):
                for j in range(n):
                    e = mat[i, j]
                    if e == 0:
                        continue
                    if e not in index:
                        index[e] = len(exprs)
                        exprs.append(e)
                        M.append(np.zeros((len(matrices), n, n)))
                    M[index[e]][a, i, j] = 1.0
        args = self._k_syms + self._param_syms
        fn = sp.lambdify(args, exprs, modules="numpy", cse=True, docstring_limit=0)
        try:
            src = inspect.getsource(fn)
        except (OSError, TypeError):  # pragma: no cover
            src = f"# source of {label} unavailable"
        mats = np.stack(M, axis=1) if M else np.zeros((len(matrices), 0, n, n))
        return fn, mats, f"# {self.name}: {label}\n{src}"

    def _eval(self, fn, mats, k) -> np.ndarray:
        k = self._periodic_k(k)
        batch = k.shape[:-1]
        m = mats.shape[1]
        if m == 0:
            return np.zeros(batch + (mats.shape[0], self.n_orbitals, self.n_orbitals), complex)
        pv = [self.params[s.name] for s in self._param_syms]
        with np.errstate(all="ignore"):
            vals = fn(*[k[..., a] for a in range(self.dim)], *pv)
        F = np.empty(batch + (m,), complex)
        for e, v in enumerate(vals):  # loop over distinct entries, never over k
            F[..., e] = np.broadcast_to(np.asarray(v, complex), batch)
        return np.einsum("...m,amij->...aij", F, mats.astype(complex), optimize=True)

    def _periodic_k(self, k) -> np.ndarray:
        """``k`` along the periodic directions (..., dim) (1/a): a Cartesian k in the
        embedding space (..., d_space) of a lower-dimensional model is projected on them."""
        k = check_finite("k", np.asarray(k, dtype=float))
        if self.dim == 1 and (k.ndim == 0 or k.shape[-1] != 1):
            k = k[..., None]
        if k.shape[-1] != self.dim:
            if self._lat is not None and k.shape[-1] == self._lat.shape[1]:
                # Cartesian k in the embedding space: project on the periodic directions
                unit = self._lat / np.linalg.norm(self._lat, axis=1)[:, None]
                k = k @ unit.T if self.dim != self._lat.shape[1] else k
            else:
                raise ShapeError(f"{self.name}: k must have last axis {self.dim}, "
                                 f"got shape {k.shape}")
        return k

    def _checked_time_reversal(self, value) -> TimeReversal:
        tr = TimeReversal.coerce(value, self.n_orbitals, where=f"{self.name}: time_reversal")
        tr.check(self, where=self.name)
        return tr

    def with_time_reversal(self, time_reversal) -> "SympyBlochModel":
        """Same model with another declared time reversal, checked.

        Parameters
        ----------
        time_reversal : TimeReversal, (n, n) array or None
            ``Theta = U K`` (a bare ``U`` is converted); None: no declared symmetry.

        Returns
        -------
        SympyBlochModel

        Raises
        ------
        SymmetryError
            ``H(-k) = U H(k)^* U^dagger`` does not hold.
        """
        new = object.__new__(SympyBlochModel)
        new.__dict__.update(self.__dict__)
        new.time_reversal = None
        if time_reversal is not None:
            new.time_reversal = new._checked_time_reversal(time_reversal)
        return new

    # -- protocol ---------------------------------------------------------------------------
    def hamiltonian(self, k) -> np.ndarray:
        """H(k), shape (..., n, n) (t0) for Cartesian ``k`` (..., dim) (1/a); Eq. S48 convention
        if ``positions`` are given."""
        return self._eval(self._h_fn, self._h_mats, k)[..., 0, :, :]

    def velocity(self, k) -> np.ndarray:
        """dH/dk from the symbolic derivative, shape (..., dim, n, n) (a t0/hbar, hbar = 1)."""
        return self._eval(self._v_fn, self._v_mats, k)

    @property
    def has_positions(self) -> bool:
        """False when the model was built without orbital positions."""
        return self._pos is not None

    @property
    def positions(self) -> np.ndarray:
        """Cartesian orbital positions (n, d_space); raises if none were given."""
        if self._pos is None:
            raise MissingGeometryError(
                f"{self.name} has no orbital positions: pass positions=... (and write H(k) in "
                "the atomic-position convention, Eq. S48) for position-dependent quantities "
                "(Berry connection, orbital moment, densities)"
            )
        return self._pos

    @property
    def lattice_vectors(self) -> np.ndarray | None:
        """Cartesian lattice vectors (dim, d_space), or None if none were given (then
        k-grids and named k-points raise :class:`MissingGeometryError`)."""
        return self._lat

    def to_tight_binding(self, **kwargs):
        """The real-space hopping list of this H(k) (needed for ribbons and flakes).

        Delegates to :func:`lrtheory.models.fourier.to_tight_binding` (same keywords): samples
        H on a k-grid, removes the position phases of Eq. S48 (``positions``; without them the
        periodic convention r = 0 is used, with a warning), inverse-FFTs and verifies the
        result at random off-grid k. Raises :class:`~lrtheory.errors.ModelError` if H(k) is
        not a finite-range lattice model (e.g. a k.p continuum Hamiltonian).

        Parameters
        ----------
        **kwargs
            Keywords of :func:`lrtheory.models.fourier.to_tight_binding` (grid size,
            tolerance, positions).

        Returns
        -------
        TightBindingModel
            Same H(k) (to 1e-10 relative), positions, lattice vectors and parameters.
        """
        from lrtheory.models.fourier import to_tight_binding

        return to_tight_binding(self, **kwargs)

    def with_params(self, **params) -> "SympyBlochModel":
        """Same model, other parameter values (reuses the compiled functions).

        Parameters
        ----------
        **params : float
            New values of parameter symbols (energies t0); unknown names raise
            :class:`~lrtheory.errors.ModelError`.

        Returns
        -------
        SympyBlochModel
            The declared time reversal, if any, is checked again.
        """
        new = object.__new__(SympyBlochModel)
        new.__dict__.update(self.__dict__)
        new.params = self._check_params({**self.params, **params})
        if self.time_reversal is not None:
            new.time_reversal = None
            new.time_reversal = new._checked_time_reversal(self.time_reversal)
        return new

    def __repr__(self) -> str:
        return (f"SympyBlochModel({self.name!r}, dim={self.dim}, n_orbitals={self.n_orbitals},"
                f" params={self.params})")
