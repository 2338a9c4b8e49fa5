r"""Layer-resolved equilibrium expectation values of a film (issue #15): the electron number
and any operator per orbital, e.g. the spin of a Wannier90 run cut with the film (the
layer-resolved magnetisation).

Each orbital's share of ``<A>`` in the Fermi sea at temperature ``T`` is, as for the
film's responses (:mod:`lrtheory.response.slab`: the density ``{A, P_mu}/2``),

.. math:: \langle A\rangle_\mu = \int\frac{d^2k}{(2\pi)^2}\,
          \mathrm{Re}\,[A(\mathbf k)\,\rho(\mathbf k)]_{\mu\mu},\qquad
          \rho = U f(\epsilon - E_F)\,U^\dagger ,

so the orbitals of one layer sum to the layer's ``Tr[P_layer A rho]``, a quantity that
does not depend on the basis inside the layer (gauge invariant: ``rho`` is). The interior
layers of a thick film tend to the bulk value per cell (one cell per layer), e.g. the
spin per cell of bcc Fe (docs/materials.md, Section 7). Operators are matrices on the
film's orbitals or the film's own spin by name (``"spin_z"``: ``model.spin_operator(k,
axis)``, frame components).

Units: per unit area of the film (1/a^2): electrons, and the operator's unit (hbar for
spin).
"""
from __future__ import annotations

import dataclasses

import numpy as np

from lrtheory.errors import check_integer, check_positive, check_real_scalar
from lrtheory.kernels.occupation import fermi
from lrtheory.models.protocol import Slab, ensure_model
from lrtheory.parallel.executor import auto_chunk_size
from lrtheory.response.ksum import Integrand, ksum
from lrtheory.response.slab import SPIN_NAMES, SlabAccumulation, check_operators, slab_grid
from lrtheory.result import register_view

__all__ = ["SlabEquilibrium", "slab_equilibrium"]


class SlabEquilibrium(Integrand):
    """Per-orbital equilibrium expectation values of a film on the k-sum driver.

    Parameters
    ----------
    z : (n,) ndarray
        Normal coordinates (a).
    operators : dict of str -> (n, n) ndarray or str
        Checked operators (:func:`lrtheory.response.slab.check_operators`).
    ef, temperature : float
        Fermi energy and ``k_B T`` (t0).
    """

    name = "slab_equilibrium"
    tr_parity = None
    kind = "sea"
    units = {}

    def __init__(self, z, operators, *, ef, temperature):
        self.z = np.asarray(z, float)
        self.operators = {k: np.asarray(v) for k, v in operators.items()
                          if not isinstance(v, str)}
        self.spin = {k: SPIN_NAMES.index(v) for k, v in operators.items() if isinstance(v, str)}
        self.kw = dict(ef=float(ef), temperature=float(temperature))
        self.units = {"equilibrium_charge": "electrons per a^2",
                      **{f"equilibrium_{q}": ("hbar" if q in self.spin else "operator units")
                         + " per a^2" for q in operators}}

    def __call__(self, k, model) -> dict:
        e, U = np.linalg.eigh(model.hamiltonian(k))
        f = fermi(e, self.kw["ef"], self.kw["temperature"])
        rho = (U * f[:, None, :]) @ np.conj(np.swapaxes(U, -1, -2))
        out = {"equilibrium_charge": np.einsum("kii->ki", rho).real}
        ops = dict(self.operators)
        ops.update({name: model.spin_operator(k, axis) for name, axis in self.spin.items()})
        for name, A in ops.items():
            sub = "kij" if np.ndim(A) == 3 else "ij"
            out[f"equilibrium_{name}"] = np.einsum(f"{sub},kji->ki", A, rho).real
        return out

    def coords(self) -> dict:
        return {"z": self.z}

    def settings(self) -> dict:
        return dict(self.kw)


def slab_equilibrium(model, ef: float, *, operators: dict | None = None, nk: int = 32,
                     temperature: float = 0.0, shift: bool = True, convergence: bool = True,
                     workers: int | None = 1, chunk_size: int | None = None
                     ) -> SlabAccumulation:
    """Per-orbital (and, with ``layer_profile``, per-layer) equilibrium expectation values
    of a film: electrons and ``operators`` in the Fermi sea (module doc).

    Parameters
    ----------
    model : Slab
        E.g. ``slab(load_wannier90_run(seed), layers, (h, k, l))``.
    ef : float
        Fermi energy (t0).
    operators : dict of str -> (n, n) array or str, optional
        Hermitian matrices on the film's orbitals, or ``"spin_x"``, ``"spin_y"``,
        ``"spin_z"`` (the film's own spin, frame components, hbar).
    nk : int
        ``nk x nk`` in-plane grid (:func:`lrtheory.response.slab.slab_grid`).
    temperature : float
        ``k_B T`` (t0); 0 is the step.
    shift, convergence, workers, chunk_size
        As in :func:`lrtheory.response.slab.slab_accumulation`.

    Returns
    -------
    SlabAccumulation
        Quantity ``"slab_equilibrium"``, values ``"equilibrium_<name>"`` per orbital per
        unit area (``get("equilibrium", "spin_z")``, ``layer_profile("equilibrium",
        "charge")``), coordinates ``z`` (a) and ``layer``, the frame and cut in settings.
    """
    model = ensure_model(model, Slab, where="slab_equilibrium")
    ef = check_real_scalar("ef", ef, "Fermi energy (a real number)")
    nk = check_integer("nk", nk, minimum=2, even=convergence)
    check_positive("temperature", temperature, allow_zero=True)
    ops = check_operators(model, operators)
    z = np.asarray(model.normal_positions(), float)
    integrand = SlabEquilibrium(z, ops, ef=ef, temperature=temperature)
    size = chunk_size or auto_chunk_size(model.n_orbitals, arrays=4 + len(ops), budget=2 ** 24)
    res = ksum(integrand, model, slab_grid(model, nk, shift=shift), subgrid=convergence,
               workers=workers, chunk_size=size)
    cut = None if model.cut is None else dataclasses.asdict(model.cut)
    settings = {**res.settings, "nk": nk, "shift": bool(shift),
                "frame": np.asarray(model.frame, float).tolist(), "cut": cut}
    return SlabAccumulation("slab_equilibrium", dict(res.values),
                            units={**res.units, "z": "a"},
                            coords={"z": z, "layer": np.asarray(model.layer_index, int)},
                            settings=settings, model=res.model, status=res.status,
                            error=dict(res.error))


register_view("slab_equilibrium", SlabAccumulation)
