"""Where the golden cases find each public function: the ONE table of call sites.

Every function or class that :mod:`tests.golden.cases` calls is looked up here by a short
name (``A("ribbon_accumulation")``), as ``"module:attribute"`` with the public import path of
baseline commit 555daf3. When a function moves, old paths keep working as shims; if a shim
is dropped, edit the path here (one line) and nowhere else. Lookups are lazy, so a broken
path fails only the cases that use it, with the name in the message.
"""
from __future__ import annotations

import importlib

API = {
    # -- models -------------------------------------------------------------------------
    "haldane": "lrtheory.models.haldane:haldane",
    "haldane_bulk_bands": "lrtheory.models.haldane:haldane_bulk_bands",
    "phase_boundary": "lrtheory.models.haldane:phase_boundary",
    "layered_haldane": "lrtheory.models.haldane:layered_haldane",
    "Hopping": "lrtheory.models.tightbinding:Hopping",
    "TightBindingModel": "lrtheory.models.tightbinding:TightBindingModel",
    "hamiltonian_and_velocity": "lrtheory.models.protocol:hamiltonian_and_velocity",
    "SympyBlochModel": "lrtheory.models.sympy_model:SympyBlochModel",
    "to_tight_binding": "lrtheory.models.fourier:to_tight_binding",
    "canonical_bonds": "lrtheory.models.fourier:canonical_bonds",
    "RashbaGas": "lrtheory.models.continuum:RashbaGas",
    "MassiveDirac": "lrtheory.models.continuum:MassiveDirac",
    "load_model_file": "lrtheory.models.inputs:load_model_file",
    "model_from_dict": "lrtheory.models.inputs:model_from_dict",
    "evaluate_expression": "lrtheory.models.inputs:evaluate_expression",
    "load_wannier90": "lrtheory.models.wannier90:load_wannier90",
    "read_hr_dat": "lrtheory.models.wannier90:read_hr_dat",
    "write_hr_dat": "lrtheory.models.wannier90:write_hr_dat",
    "write_tb_dat": "lrtheory.models.wannier90:write_tb_dat",
    "write_centres_xyz": "lrtheory.models.wannier90:write_centres_xyz",
    "read_centres_xyz": "lrtheory.models.wannier90:read_centres_xyz",
    "random_models": "lrtheory.models.random_models",
    "cli_load_model": "lrtheory.cli.common:load_model",
    "parse_number": "lrtheory.cli.common:parse_number",
    "parse_params": "lrtheory.cli.common:parse_params",
    "model_summary": "lrtheory.cli.common:model_summary",
    "evaluate": "lrtheory.expressions:evaluate",
    "save_result": "lrtheory.io.results:save_result",
    "load_result": "lrtheory.io.results:load_result",
    "k_path": "lrtheory.cli.cmd_bands:k_path",
    "named_points": "lrtheory.cli.cmd_bands:named_points",
    # -- symmetry -------------------------------------------------------------------------
    "find_ribbon_symmetries": "lrtheory.symmetry:find_ribbon_symmetries",
    "consequences": "lrtheory.symmetry:consequences",
    "describe": "lrtheory.symmetry:describe",
    "symmetry_report": "lrtheory.symmetry:symmetry_report",
    "time_reversal_deviation": "lrtheory.symmetry:time_reversal_deviation",
    # -- bands ----------------------------------------------------------------------------
    "Eigensystem": "lrtheory.bands.eigensystem:Eigensystem",
    "band_operator": "lrtheory.response.berry:band_operator",
    "generalized_berry_curvature": "lrtheory.response.berry:generalized_berry_curvature",
    "berry_curvature": "lrtheory.response.berry:berry_curvature",
    "berry_reciprocal_vectors": "lrtheory.response.berry:reciprocal_vectors",
    "fhs_chern": "lrtheory.response.berry:fhs_chern",
    "bulk_omm_matrix": "lrtheory.response.bulk_omm:omm_matrix",
    "band_omm": "lrtheory.response.bulk_omm:band_omm",
    "block_average_diagonal": "lrtheory.response.bulk_omm:block_average_diagonal",
    # -- kernels --------------------------------------------------------------------------
    "fermi": "lrtheory.kernels.occupation:fermi",
    "fermi_derivative": "lrtheory.kernels.occupation:fermi_derivative",
    "lindhard_kernels": "lrtheory.kernels.lindhard:KERNELS",
    "divided_difference": "lrtheory.kernels.lindhard:divided_difference",
    "principal_interband": "lrtheory.kernels.lindhard:principal_interband",
    "fermi_surface_weight": "lrtheory.kernels.lindhard:fermi_surface_weight",
    "two_band_bands_and_curvature": "lrtheory.kernels.two_band:two_band_bands_and_curvature",
    "two_band_orbital_hall_curvature":
        "lrtheory.kernels.two_band:two_band_orbital_hall_curvature",
    "banded": "lrtheory.kernels.banded",
    "random_block_unitary": "lrtheory.kernels.gauge:random_block_unitary",
    # -- ribbon responses -----------------------------------------------------------------
    "ribbon_accumulation": "lrtheory.response.density:ribbon_accumulation",
    "symmetric_antisymmetric": "lrtheory.response.density:symmetric_antisymmetric",
    "occupation_weights": "lrtheory.response.density:occupation_weights",
    "response_matrices": "lrtheory.response.density:response_matrices",
    "to_orbital": "lrtheory.response.density:to_orbital",
    "ribbon_site_operators": "lrtheory.response.density:ribbon_site_operators",
    "site_traces": "lrtheory.response.density:site_traces",
    "find_fermi_points": "lrtheory.response.fermi_points:find_fermi_points",
    "fermi_point_profiles": "lrtheory.response.fermi_points:fermi_point_profiles",
    "paper_route_profiles": "lrtheory.response.ribbon_paper:paper_route_profiles",
    "ribbon_position": "lrtheory.response.omm:ribbon_position",
    "ribbon_vy": "lrtheory.response.omm:ribbon_vy",
    "state_centres": "lrtheory.response.omm:state_centres",
    "ribbon_omm_matrix": "lrtheory.response.omm:omm_matrix",
    "omm_diagonal_parts": "lrtheory.response.omm:omm_diagonal_parts",
    "paper_omm_eq57": "lrtheory.response.omm:paper_omm_eq57",
    "paper_density_response": "lrtheory.response.omm:paper_density_response",
    "bulk_omm": "lrtheory.response.omm:bulk_omm",
    "bulk_berry_curvature": "lrtheory.response.omm:bulk_berry_curvature",
    # -- bulk responses -------------------------------------------------------------------
    "hall_conductivity": "lrtheory.response.hall:hall_conductivity",
    "chern_numbers": "lrtheory.response.hall:chern_numbers",
    "bz_grid": "lrtheory.response.hall:bz_grid",
    "occupied_sums": "lrtheory.response.hall:occupied_sums",
    "grid_slice": "lrtheory.response.hall:grid_slice",
    "bands_and_curvature": "lrtheory.response.hall:bands_and_curvature",
    "uses_two_band_closed_form": "lrtheory.response.hall:uses_two_band_closed_form",
    "hall_memory_estimate": "lrtheory.response.hall:hall_memory_estimate",
    "grid_points": "lrtheory.response.hall3d:grid_points",
    "hall_tensor": "lrtheory.response.hall3d:hall_tensor",
    "bz_grid_nd": "lrtheory.response.hall3d:bz_grid_nd",
    "fermi_surface_density": "lrtheory.response.fermi_surface:fermi_surface_density",
    "fermi_surface_continuum": "lrtheory.response.fermi_surface:fermi_surface_continuum",
    "block_trace_product": "lrtheory.response.fermi_surface:block_trace_product",
    "quadrature": "lrtheory.response.fermi_surface:quadrature",
    "density_response": "lrtheory.response.torque:density_response",
    "net_torque": "lrtheory.response.torque:net_torque",
    "external_torque": "lrtheory.response.torque:external_torque",
    "external_torque_sea": "lrtheory.response.torque:external_torque_sea",
    "proper_current": "lrtheory.response.torque:proper_current",
    # -- finite systems -------------------------------------------------------------------
    "haldane_flake": "lrtheory.finite.examples:haldane_flake",
    "honeycomb_flake": "lrtheory.finite.examples:honeycomb_flake",
    "FiniteSystem": "lrtheory.finite.system:FiniteSystem",
    "FiniteTimeReversal": "lrtheory.finite.system:TimeReversal",
    "degenerate_groups": "lrtheory.finite.system:degenerate_groups",
    "finite_observables": "lrtheory.finite.observables",
    "finite_response": "lrtheory.finite.response",
    # -- figures and the command line -----------------------------------------------------
    "figure_data": "lrtheory.plots.figures:figure_data",
    "cli_main": "lrtheory.cli.main:main",
}

_CACHE: dict = {}


def pin_source_tree() -> str:
    """Make ``lrtheory.derivations`` (the ``derivations/`` folder, installed under that name
    by ``package-dir``) come from the same source tree as the imported ``lrtheory``.

    With ``PYTHONPATH=<clone>`` and an editable install of another checkout, ``lrtheory`` is
    the clone's but the editable finder would still map ``lrtheory.derivations`` to the
    installed checkout (``lrtheory verify`` would then run the other tree's derivations).
    Returns the source folder of ``lrtheory``."""
    import importlib.util
    import sys
    from pathlib import Path

    import lrtheory

    src = Path(lrtheory.__file__).resolve().parent.parent
    init = src / "derivations" / "__init__.py"
    if "lrtheory.derivations" not in sys.modules and init.exists():
        spec = importlib.util.spec_from_file_location(
            "lrtheory.derivations", init, submodule_search_locations=[str(init.parent)])
        mod = importlib.util.module_from_spec(spec)
        sys.modules["lrtheory.derivations"] = mod
        spec.loader.exec_module(mod)
        lrtheory.derivations = mod
    return str(src)


def A(name: str):
    """The object registered as ``name`` in :data:`API` (imported on first use)."""
    if name not in _CACHE:
        path = API[name]
        module, _, attr = path.partition(":")
        try:
            obj = importlib.import_module(module)
            for part in filter(None, attr.split(".")):
                obj = getattr(obj, part)
        except (ImportError, AttributeError) as exc:
            raise ImportError(f"golden call site {name!r} = {path!r} is gone ({exc}); "
                              "update tests/golden/api.py") from exc
        _CACHE[name] = obj
    return _CACHE[name]
