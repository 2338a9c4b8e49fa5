r"""Convert a PythTB model (``pythtb.tb_model`` 1.8 or ``pythtb.TBModel`` 2.x) to lrtheory.

PythTB is an optional dependency (``pip install pythtb``; PythTB 2.x needs Python >= 3.12,
1.8 runs on 3.11). Only the model's *real-space* data are read through public attributes
(2.x: ``lat_vecs``, ``orb_vecs``, ``periodic_dirs``, ``onsite``, ``hoppings``, ``nspin``;
1.8: ``_lat``, ``_orb``, ``_per``, ``_site_energies``, ``_hoppings``, ``_nspin``, which is
what 1.8 exposes) and rebuilt as a
:class:`~lrtheory.models.tightbinding.TightBindingModel`:

* PythTB gives orbital positions in *reduced* coordinates ``orb`` of its lattice vectors
  ``lat`` (rows, Cartesian); lrtheory uses Cartesian ``orb @ lat``.
* A PythTB hopping ``[t, i, j, R]`` is ``<i, 0|H|j, R> = t`` with the conjugate added, the
  same real-space meaning as :class:`~lrtheory.models.tightbinding.Hopping`.
* PythTB evaluates H at *reduced* k (``k_red``, in units of the reciprocal vectors, phases
  ``exp(2 pi i k_red . (R + r_j - r_i))`` with reduced positions); lrtheory uses Cartesian
  ``k`` (1/a) with ``k_cart = k_red @ b`` (``b`` reciprocal vectors, ``a_i . b_j = 2 pi
  delta_ij``). Both keep the orbital positions in the phase (atomic-position convention,
  paper Eq. S48), so ``H_lrtheory(k_red @ b) == H_pythtb(k_red)`` element by element; the
  tests check this identity.
* Spinful models (``nspin = 2``) become ``2 norb`` orbitals ordered ``(orbital, spin)``
  (index ``2 i + s``), both spin components at the orbital's position.
* Models with fewer periodic than spatial directions (ribbons, ``dim_k < dim_r``) keep the
  periodic lattice vectors; hoppings that leave the cell along a non-periodic direction are
  rejected (PythTB ignores that offset in H(k), but it would misplace the orbital). For such
  models PythTB's phase uses the *reduced* coordinate along the periodic vector, lrtheory the
  Cartesian projection on it (so that ``dH/dk = i[H, x]``); when the non-periodic vector is
  not orthogonal to the periodic one (e.g. a zigzag ribbon cut from the Haldane model) the two
  H(k) differ by a diagonal k-dependent unitary (a gauge): same bands, and lrtheory's is the
  one whose ``dH/dk`` is the velocity operator.

PythTB does not record time reversal; pass ``time_reversal=U`` to declare it.

Tested with PythTB 1.8.0 (system Python 3.11) and 2.0.2 (``benchmarks/check_pythtb2.sh``).
"""
from __future__ import annotations

import numpy as np

from lrtheory.errors import ModelError

__all__ = ["from_pythtb", "require_pythtb", "pythtb_hamiltonian"]


def require_pythtb():
    """Import and return the ``pythtb`` module, or raise a clear ModelError.

    Returns
    -------
    module
        The imported ``pythtb`` (``ModelError`` naming the install command if missing).
    """
    try:
        import pythtb
    except ImportError:
        raise ModelError(
            "PythTB is not installed: it is an optional dependency of lrtheory; install it "
            "with 'python3 -m pip install pythtb' (1.8 on Python 3.11, 2.x needs >= 3.12)"
        ) from None
    return pythtb


def _is_v2(tb) -> bool:
    return hasattr(type(tb), "hoppings") and hasattr(type(tb), "lat_vecs")


def _raw(tb):
    """(lat, orb_red, per, nspin, onsite, hoppings [(amp, i, j, R_full)]) from either API."""
    if _is_v2(tb):
        params = getattr(tb, "parameters", None)
        if params:
            names = sorted({n for p in params for n in p.get("names", [])})
            raise ModelError(f"PythTB model has unset symbolic parameters {names}: fix them "
                             "(e.g. tb.with_parameters(...)) before converting")
        lat = np.asarray(tb.lat_vecs, float)
        orb = np.asarray(tb.orb_vecs, float)
        per = list(tb.periodic_dirs)
        nspin = int(tb.nspin)
        onsite = np.asarray(tb.onsite)
        hops = []
        for h in tb.hoppings:
            R = np.asarray(h.get("lattice_vector", np.zeros(lat.shape[0], int)), int)
            hops.append((h["amplitude"], int(h["from_orbital"]), int(h["to_orbital"]), R))
        return lat, orb, per, nspin, onsite, hops
    try:
        lat = np.asarray(tb._lat, float)
        orb = np.asarray(tb._orb, float)
        per = list(tb._per)
        nspin = int(tb._nspin)
        onsite = np.asarray(tb._site_energies)
        hops = [(h[0], int(h[1]), int(h[2]),
                 np.asarray(h[3] if len(h) > 3 else np.zeros(lat.shape[0]), int))
                for h in tb._hoppings]
    except AttributeError as exc:
        raise ModelError(f"not a PythTB model (missing {exc.name!r}): expected a "
                         "pythtb.tb_model (1.8) or pythtb.TBModel (2.x)") from None
    return lat, orb, per, nspin, onsite, hops


def from_pythtb(tb, *, time_reversal=None, name: str = "PythTB model"):
    """Convert a PythTB model to a :class:`~lrtheory.models.tightbinding.TightBindingModel`.

    Parameters
    ----------
    tb : pythtb.tb_model or pythtb.TBModel
        Periodic model (``dim_k >= 1``) with numeric amplitudes.
    time_reversal : (n, n) array, optional
        Declared ``U`` of ``Theta = U K`` (n = norb * nspin).
    name : str
        Label.

    Returns
    -------
    TightBindingModel
        Cartesian positions ``orb @ lat``; k is Cartesian (1/a, in the units of PythTB's
        ``lat``), ``k_cart = k_red @ reciprocal_vectors``.
    """
    from lrtheory.models.tightbinding import Hopping, TightBindingModel

    lat, orb, per, nspin, onsite, hops = _raw(tb)
    if not per:
        raise ModelError("PythTB model has no periodic direction (dim_k = 0): it is a finite "
                         "system, not a Bloch model")
    nonper = [d for d in range(lat.shape[0]) if d not in per]
    pos = orb @ lat
    norb = pos.shape[0]
    new_hops = []
    on = np.zeros(norb * nspin)

    def add(i, j, R, t):
        if t != 0:
            if i == j and not any(R):
                raise ModelError(f"PythTB on-site term between orbital {i} and itself given "
                                 "as a hopping")
            new_hops.append(Hopping(i, j, R, complex(t)))

    for amp, i, j, R in hops:
        if nonper and np.any(R[nonper] != 0):
            raise ModelError(f"PythTB hopping {i}->{j} R={R.tolist()} leaves the cell along a "
                             f"non-periodic direction {nonper}: not supported")
        Rp = tuple(int(r) for r in R[per])
        if nspin == 1:
            add(i, j, Rp, complex(np.asarray(amp).item()))
        else:
            blk = np.asarray(amp, complex).reshape(2, 2)
            for s in range(2):
                for s2 in range(2):
                    add(2 * i + s, 2 * j + s2, Rp, blk[s, s2])
    if nspin == 1:
        on = np.asarray(onsite, complex).reshape(norb)
        if np.any(np.abs(on.imag) > 1e-12):
            raise ModelError("PythTB on-site energies are not real")
        on = on.real
    else:
        blocks = np.asarray(onsite, complex).reshape(norb, 2, 2)
        for i, blk in enumerate(blocks):
            if not np.allclose(blk, blk.conj().T, atol=1e-12):
                raise ModelError(f"PythTB on-site block of orbital {i} is not Hermitian")
            on[2 * i], on[2 * i + 1] = blk[0, 0].real, blk[1, 1].real
            add(2 * i, 2 * i + 1, (0,) * len(per), blk[0, 1])
        pos = np.repeat(pos, 2, axis=0)
    lat_per = lat[per]
    transverse = None
    if lat_per.shape[0] == 1 and lat.shape[1] == 2:
        a = lat_per[0] / np.linalg.norm(lat_per[0])
        transverse = np.array([-a[1], a[0]])
    if transverse is not None:  # a PythTB ribbon: a Ribbon (frame from its axis, no cut)
        from lrtheory.models.tightbinding import TightBindingRibbon

        return TightBindingRibbon(lat_per, pos, new_hops, onsite=on,
                                  time_reversal=time_reversal, transverse_axis=transverse,
                                  name=name)
    return TightBindingModel(lat_per, pos, new_hops, onsite=on, time_reversal=time_reversal,
                             name=name)


def pythtb_hamiltonian(tb, k_red) -> np.ndarray:
    """PythTB's own H(k_red) for a stack of reduced k (for cross-checks), shape (Nk, n, n).

    ``k_red`` has shape (Nk, dim_k) or (dim_k,) (one point); for ``dim_k = 1`` (ribbons) a
    flat array of Nk values is also accepted. Spinful models come out in the ``(orbital,
    spin)`` order of :func:`from_pythtb` (PythTB 2.x's (norb, 2, norb, 2) array flattened).

    Parameters
    ----------
    tb : pythtb.tb_model
        The PythTB model.
    k_red : array_like
        Reduced k (units of the reciprocal basis), (Nk, dim_k) or (dim_k,).

    Returns
    -------
    ndarray
        Complex H(k_red), (Nk, n, n), in PythTB's energy units (those of the model: t0).
    """
    v2 = _is_v2(tb)
    dim_k = int(tb.dim_k if v2 else tb._dim_k)
    k_red = np.asarray(k_red, float)
    if k_red.ndim == 1:
        k_red = k_red.reshape(-1, 1) if dim_k == 1 else k_red.reshape(1, -1)
    if k_red.ndim != 2 or k_red.shape[1] != dim_k:
        raise ModelError(f"k_red must have shape (Nk, {dim_k}) for this PythTB model, got "
                         f"{np.shape(k_red)}")
    if v2:
        return np.asarray(tb.hamiltonian(k_pts=k_red)).reshape(len(k_red), tb.nstate, tb.nstate)
    n = tb._norb * tb._nspin
    return np.stack([np.asarray(tb._gen_ham(k)).reshape(n, n) for k in k_red])
