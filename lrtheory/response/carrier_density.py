r"""Carrier density and density of states versus Fermi energy: the worked example of
docs/design.md ("Adding a response"), one :class:`~lrtheory.response.ksum.Integrand` on the
shared k-sum driver.

.. math::
   n(E_F, T) = \int\frac{d^dk}{(2\pi)^d}\sum_n f(\epsilon_{n\mathbf k}-E_F),\qquad
   g(E_F, T) = \frac{\partial n}{\partial E_F}
             = -\int\frac{d^dk}{(2\pi)^d}\sum_n f'(\epsilon_{n\mathbf k}-E_F)

(electrons per unit area or volume; ``f`` the Fermi function, k_B = 1). Checks (tests/physics/test_carrier_density.py): the sum rules ``n = N_occ /
V_cell`` in a gap and ``n_orbitals / V_cell`` above all bands on any grid, ``g = dn/dE_F``,
and the closed-form Haldane bands (Eq. S42-S43) summed independently.
"""
from __future__ import annotations

import numpy as np

from lrtheory.errors import check_energies, check_positive
from lrtheory.kernels.occupation import fermi_derivative
from lrtheory.models.protocol import ensure_model
from lrtheory.response.ksum import Integrand, ksum, response_grid
from lrtheory.response.kspace import eigensystem, occupied_sums
from lrtheory.result import Result

__all__ = ["CarrierDensity", "carrier_density"]


class CarrierDensity(Integrand):
    """``n(E_F)`` (Fermi sea) and, at ``T > 0``, ``g(E_F) = -sum f'`` (Fermi surface) for a
    whole E_F curve from one eigensystem per chunk. Even under time reversal.

    Parameters
    ----------
    ef : (n_EF,) array
        Fermi energies (t0).
    temperature : float
        T >= 0 (t0).
    """

    name = "carrier_density"
    tr_parity = 1
    kind = "both"
    units = {"density": "1/a^d", "dos": "1/(t0 a^d)"}

    def __init__(self, ef, temperature: float = 0.0):
        self.ef, self.temperature = np.asarray(ef, float), float(temperature)

    def __call__(self, k, model):
        return eigensystem(model, k).energies  # (m, n): the physics is the band energies

    def reduce(self, energies, weights):
        """Occupied-state sums of one chunk for one estimate.

        Parameters
        ----------
        energies : (m, n) array
            Band energies of the chunk (t0).
        weights : Weights
            k weights of the estimate (1/a^2).

        Returns
        -------
        dict
            ``density`` (n_EF,) electrons per a^2 and, at ``T > 0``, ``dos`` (n_EF,)
            ``-sum f'`` in 1/(t0 a^2).
        """
        w = np.broadcast_to(weights.point[:, None], energies.shape)
        out = {"density": occupied_sums(energies, w, self.ef, self.temperature)}
        if self.temperature > 0:
            x = energies.reshape(-1)[None, :] - self.ef[:, None]
            out["dos"] = -fermi_derivative(x, 0.0, self.temperature) @ w.reshape(-1)
        return out

    def coords(self):
        return {"ef": self.ef}

    def settings(self):
        return {"temperature": self.temperature}


def carrier_density(model, ef, *, temperature: float = 0.0, nk: int | None = None,
                    k_max: float | None = None, n_r: int = 400, n_theta: int = 64,
                    workers: int | None = 1, chunk_size: int | None = None) -> Result:
    """Carrier density ``n(E_F)`` and density of states ``g(E_F)`` of a Bloch model.

    Parameters
    ----------
    model : BlochModel
        Lattice model (``nk x nk`` BZ grid, ``nk`` even) or continuum model (polar grid of
        radius ``k_max``: counts the states with ``|k| < k_max``).
    ef : float or (n_EF,) array
        Fermi energies (t0).
    temperature : float
        ``T >= 0`` (t0); ``dos`` is returned only for ``T > 0`` (at ``T = 0`` it is a sum
        of delta functions).
    nk, k_max, n_r, n_theta : grid (:func:`lrtheory.response.ksum.response_grid`)
    workers, chunk_size : see :func:`lrtheory.response.ksum.ksum`

    Returns
    -------
    Result
        ``density`` (n_EF,) in 1/a^2 (electrons per area), ``dos`` (n_EF,) in 1/(t0 a^2),
        ``coords["ef"]``, sub-grid ``error``.
    """
    model = ensure_model(model, where="carrier_density")
    ef = check_energies("ef", ef)
    check_positive("temperature", temperature, allow_zero=True)
    grid, _ = response_grid(model, nk=nk, k_max=k_max, n_r=n_r, n_theta=n_theta)
    return ksum(CarrierDensity(ef, temperature), model, grid, workers=workers,
                chunk_size=chunk_size)
