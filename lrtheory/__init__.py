"""lrtheory: linear response theory of nonconserved density accumulations.

Implements and checks Sun, Kazantsev, Principi, Vignale (2024), "Nonconserved density
accumulations in orbital Hall transport: insights from linear response theory".
Units and sign conventions: :mod:`lrtheory.conventions` and docs/conventions.md (whose
glossary fixes one name per concept). Which function implements which paper equation:
:mod:`lrtheory.equations` (``lrtheory where 57``).

The public API is the grouped ``__all__`` below. Every name is imported on first use
(PEP 562 module ``__getattr__``), so ``import lrtheory`` and the command line start fast and
pull in NumPy, SciPy or SymPy only when a name that needs them is touched::

    import lrtheory
    model = lrtheory.haldane(t2=0.06, delta=0.5)
    curve = lrtheory.hall_conductivity(model, [0.0, 1.5], nk=120)
"""
from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("lrtheory")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+unknown"

#: Public name -> module that defines it, grouped. A value equal to ``"."`` means the name
#: is a subpackage/module of lrtheory itself (``lrtheory.finite``, ``lrtheory.conventions``).
_GROUPS: dict[str, dict[str, str]] = {
    # -- models: the protocol every response accepts, and the model classes --------------------
    "models": {
        "BlochModel": "lrtheory.models.protocol",
        "Ribbon": "lrtheory.models.protocol",
        "RibbonCut": "lrtheory.models.geometry",
        "Slab": "lrtheory.models.protocol",
        "SlabCut": "lrtheory.models.geometry",
        "ContinuumModel": "lrtheory.models.protocol",
        "ensure_model": "lrtheory.models.protocol",
        "hamiltonian_and_velocity": "lrtheory.models.protocol",
        "TimeReversal": "lrtheory.models.time_reversal",
        "Hopping": "lrtheory.models.tightbinding",
        "TightBindingModel": "lrtheory.models.tightbinding",
        "TightBindingRibbon": "lrtheory.models.tightbinding",
        "TightBindingSlab": "lrtheory.models.slabs",
        "slab": "lrtheory.models.slabs",
        "cubic_rashba": "lrtheory.models.cubic",
        "haldane": "lrtheory.models.haldane",
        "layered_haldane": "lrtheory.models.haldane",
        "RashbaGas": "lrtheory.models.continuum",
        "MassiveDirac": "lrtheory.models.continuum",
        "SympyBlochModel": "lrtheory.models.sympy_model",
        "Wannier90Model": "lrtheory.io.wannier90.model",
    },
    # -- lattices, grids and k paths -------------------------------------------------------------
    "lattice": {
        "reciprocal_vectors": "lrtheory.models.lattice",
        "k_grid": "lrtheory.models.lattice",
        "UniformGrid": "lrtheory.models.lattice",
        "polar_grid": "lrtheory.models.lattice",
        "k_path": "lrtheory.models.lattice",
        "named_points": "lrtheory.models.lattice",
    },
    # -- bands: eigensystems of Bloch Hamiltonians ----------------------------------------------
    "bands": {
        "Eigensystem": "lrtheory.bands.eigensystem",
    },
    # -- the one k-sum driver and the one result type (a response = one Integrand) ------------
    "k-sum driver and results": {
        "ksum": "lrtheory.response.ksum",
        "Integrand": "lrtheory.response.ksum",
        "response_grid": "lrtheory.response.grids",
        "Result": "lrtheory.result",
        "KIntegral": "lrtheory.result",
    },
    # -- responses of Bloch models and ribbons (each cites its paper equation) -----------------
    "responses": {
        "hall_conductivity": "lrtheory.response.hall",
        "chern_numbers": "lrtheory.response.hall",
        "HallCurve": "lrtheory.response.hall_results",
        "ChernNumbers": "lrtheory.response.hall_results",
        "hall_tensor": "lrtheory.response.hall3d",
        "HallTensor": "lrtheory.response.hall3d",
        "berry_curvature": "lrtheory.response.berry",
        "generalized_berry_curvature": "lrtheory.response.berry",
        "fhs_chern": "lrtheory.response.berry",
        "band_omm": "lrtheory.response.bulk_omm",
        "fermi_surface_density": "lrtheory.response.fermi_surface",
        "fermi_surface_continuum": "lrtheory.response.fermi_surface",
        "bulk_net_torque": "lrtheory.response.torque",
        "external_torque": "lrtheory.response.torque",
        "external_torque_sea": "lrtheory.response.torque",
        "proper_current": "lrtheory.response.torque",
        "ribbon_accumulation": "lrtheory.response.density",
        "RibbonAccumulation": "lrtheory.response.density",
        "symmetric_antisymmetric": "lrtheory.response.density",
        "find_fermi_points": "lrtheory.response.fermi_points",
        "fermi_point_profiles": "lrtheory.response.fermi_points",
        "paper_route_profiles": "lrtheory.response.ribbon_paper",
        "carrier_density": "lrtheory.response.carrier_density",
        "slab_accumulation": "lrtheory.response.slab",
        "SlabAccumulation": "lrtheory.response.slab",
        "slab_equilibrium": "lrtheory.response.slab_equilibrium",
    },
    # -- symmetry analysis of models and ribbons -----------------------------------------------
    "symmetry": {
        "find_ribbon_symmetries": "lrtheory.symmetry.operations",
        "symmetry_report": "lrtheory.symmetry.report",
        "slab_symmetry_report": "lrtheory.symmetry.slab",
    },
    # -- finite systems with exact eigenstates (flakes; the literal operators) ----------------
    "finite systems": {
        "FiniteSystem": "lrtheory.finite.system",
        "haldane_flake": "lrtheory.finite.examples",
        "finite": ".",
    },
    # -- symbolic derivations and the equation registry ----------------------------------------
    "symbolic": {
        "symbolic": ".",
        "derivations": ".",
        "equations": ".",
    },
    # -- input and output: model files, Wannier90, PythTB, results -----------------------------
    "io": {
        "load_model_file": "lrtheory.io.model_files.build",
        "model_from_dict": "lrtheory.io.model_files.build",
        "load_wannier90": "lrtheory.io.wannier90.convert",
        "load_wannier90_run": "lrtheory.io.wannier90.run",
        "read_hr_dat": "lrtheory.io.wannier90.read",
        "write_hr_dat": "lrtheory.io.wannier90.write",
        "from_pythtb": "lrtheory.io.pythtb",
        "save_result": "lrtheory.io.results",
        "load_result": "lrtheory.io.results",
        "expressions": "lrtheory.io",
    },
    # -- errors and warnings (every error is an LrtheoryError, itself a ValueError) -------------
    "errors": {
        "LrtheoryError": "lrtheory.errors",
        "ModelError": "lrtheory.errors",
        "ShapeError": "lrtheory.errors",
        "ConventionError": "lrtheory.errors",
        "GaugeError": "lrtheory.errors",
        "SymmetryError": "lrtheory.errors",
        "InputFileError": "lrtheory.errors",
        "ExpressionError": "lrtheory.errors",
        "ConvergenceError": "lrtheory.errors",
        "ResourceError": "lrtheory.errors",
        "LrtheoryWarning": "lrtheory.errors",
        "ConvergenceWarning": "lrtheory.errors",
    },
    # -- units and conventions (docs/conventions.md) -------------------------------------------
    "units and conventions": {
        "conventions": ".",
        "ELECTRON_CHARGE": "lrtheory.conventions",
        "HBAR": "lrtheory.conventions",
        "E_CHARGE": "lrtheory.conventions",
        "TR_PARITY": "lrtheory.conventions",
    },
}

_LAZY = {name: module for group in _GROUPS.values() for name, module in group.items()}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    """Import a public name on first use (PEP 562) and cache it in the module namespace."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'lrtheory' has no attribute {name!r}")
    import importlib

    if module == ".":
        value = importlib.import_module(f"lrtheory.{name}")
    else:
        value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


def _checkout_derivations() -> None:
    """Run from a source checkout, ``lrtheory.derivations`` is that checkout's
    ``derivations/`` folder (pyproject maps it there by ``package-dir``; an editable install
    of *another* clone would otherwise supply its own copy while ``lrtheory`` itself comes
    from this one). Installed wheels have no sibling folder and are left alone."""
    import os
    import sys

    src = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "derivations")
    if "lrtheory.derivations" in sys.modules or not os.path.isfile(
            os.path.join(src, "eq22_reciprocity.py")):
        return
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "lrtheory.derivations", os.path.join(src, "__init__.py"), submodule_search_locations=[src])
    module = importlib.util.module_from_spec(spec)
    sys.modules["lrtheory.derivations"] = module
    spec.loader.exec_module(module)


_checkout_derivations()
