"""The data of :mod:`lrtheory.equations`: one record per paper equation (or group of
equations derived together), and the findings of docs/derivations.md.

Data only, no physics and no imports of lrtheory code: kernels and tests are named by text
(dotted import paths, test node ids) and resolved only when asked (``lrtheory where``, and
tests/unit/test_equations.py, which checks that every name resolves and every test exists).
Edit this table when a kernel moves or a derivation is added; the equation index of
docs/derivations.md is generated from it (``python -m lrtheory.equations --write``).

Record fields (see :class:`lrtheory.equations.Equation`): ``label``, ``covers`` (labels
this record answers for; "Eq. 37-41" expands to Eq. 37 ... Eq. 41), ``statement`` (one line),
``reading`` ("as printed", "corrected", "definition" or "not used as printed"), ``findings``
(numbers of "The findings at a glance"), ``derivations`` (labels of
derivations/registry.py), ``kernels`` (``"dotted.path"`` or ``"dotted.path [form]"`` where
form says which version the function computes: "as printed" or "corrected"), ``tests``
(paths or node ids under tests/), ``docs`` (page#anchor under docs/).
"""
from __future__ import annotations

# -- anchors of docs/derivations.md (MkDocs slugs of its headings) ---------------------------
_GLANCE = "derivations.md#the-findings-at-a-glance"
_FINITE = "derivations.md#finite-system-engine-issue-3-lrtheoryfinite"
_BULK = "derivations.md#bulk-responses-app-ii-iv"
_RIBBON = "derivations.md#ribbons-and-the-omm-density-sec-vi-s46-s55"
_SYMB = "derivations.md#symbolic-derivations"
_CONV = "conventions.md#signs"
_BLOCH = "conventions.md#bloch-convention"

_FO = "tests/numeric/test_finite_observables.py"
_FR = "tests/numeric/test_finite_response.py"
_CONS = "tests/properties/test_conservation.py"
_NODIS = "tests/properties/test_no_dissipation.py"
_RECI = "tests/properties/test_reciprocity.py"
_DER = "tests/symbolic/test_derivations.py::test_derivation_verifies"
_OMM = "tests/physics/test_omm_ribbon.py"
_TORQ = "tests/physics/test_torque_bulk.py"
_RASH = "tests/physics/test_rashba_edelstein.py"
_HALL = "tests/physics/test_hall_chern.py"
_RIBA = "tests/physics/test_ribbon_accumulation.py"
_PROP = "tests/physics/test_proper_current_flake.py"
_TB = "tests/unit/test_tightbinding.py"
_TWO = "tests/physics/test_two_band_closed_form.py"

#: "The findings at a glance" of docs/derivations.md, number -> (paper, one line).
FINDINGS: dict[int, tuple[str, str]] = {
    1: ("Eq. 33", "exact at finite eta only with omega + i eta; with omega the sides differ "
        "by eta chi_AB (= the net torque at omega = 0)"),
    2: ("Eq. 38-41", "T_net = e eta chi_{O,r}(0).E exactly for any system; Eq. 41 is its TR, "
        "eta -> 0 form; without TR Eq. 38 drops eta x the undergap accumulation"),
    3: ("Eq. 28, S14, Eq. 42-43", "sign: chi = -N tau <Re{n v}> (f' = -delta); S33-S34 have "
        "the right sign and contradict the printed Eq. 43"),
    4: ("S16", "velocity is hbar k_x/m + alpha sigma_y (printed -)"),
    5: ("S18", "S16 + S17 with one common tau give half of the printed S18; S18 is the "
        "vertex-corrected (transport-time) result that Eq. 28 does not contain"),
    6: ("S43, S41", "trace term of S43 is +t2(b_a + b_b); S41 a_i^dag a_j -> a_i^dag a_i"),
    7: ("Sec. VI vs Sec. II", "OMM prefactor +e/4 vs -e/4: the physical (Sec. II) convention "
        "flips the sign of every OMM curve of Figs. 2-3"),
    8: ("S53-S55, Eq. 56-57", "index typo in S55; the k-space manipulation drops i d_k r^y: "
        "off-diagonal m_nl of Eq. 57 is gauge dependent; centre-of-mass term is twice the "
        "wave-packet one"),
    9: ("Eq. 52 on a lattice", "for point-like orbitals {m_z, P_i}/2 = (q/2)(r_i x j_i)_z "
        "exactly (no bond term): lever arm times current density; origin dependent in a metal"),
    10: ("Fig. 3b, 3d", "the undergap OMM accumulation of Haldane ribbons is zero for every "
         "t2, phi, Delta: the antiunitary M_x Theta forbids it"),
    11: ("Fig. 2 caption, Fig. 2d", "t2 = 0.06 t0 contradicts 'TR-invariant'; the symmetric "
         "part of Fig. 2d is zero at t2 = 0 (mirror-even x-bond currents)"),
    12: ("Eq. 24, 31", "Eq. 24 holds on the sum over pairs only; L^n in Eq. 31 is L^eta"),
    13: ("S36", "[O * r_a]_aa is gauge and origin dependent for Bloch states; only its "
         "interband part is kept"),
    14: ("Sec. II B, Eq. 47-51", "the proper current vanishes in a gapped TR-invariant "
         "insulator only when integrated; its density in the interior equals the "
         "conventional Hall current, the cancellation is at the edges"),
    15: ("S24 in a Wannier basis", "S24 needs the velocity -i[r, H] and, for O = 1, the "
         "curvature of the Wannier space itself (Wang-Yates-Souza-Vanderbilt) when the basis "
         "has a position matrix"),
    16: ("Eq. 28 and finding 5 on the Haldane model", "on-site disorder gives the Haldane model "
         "and gapped graphene no ladder vertex correction (C3 in the atomic-position "
         "convention): their Fermi-surface charge, valley and orbital Hall conductivities are "
         "the SCBA bare bubble"),
}

#: One record per equation (or group derived together), in paper order (main text, then S).
RECORDS: list[dict] = [
    dict(label="Eq. 3", covers=("Eq. 3",), reading="definition",
         statement="coupling to a static uniform field: H_E = H_0 + e E.r (q = -e)",
         kernels=("lrtheory.finite.response.density_accumulation",),
         tests=(f"{_RECI}::test_reciprocity_density_vs_position",), docs=(_CONV,)),
    dict(label="Eq. 4", covers=("Eq. 4",), reading="definition",
         statement="velocity v = i[H_0, r]/hbar (v(k) = dH/dk for Bloch models)",
         kernels=("lrtheory.finite.observables.velocity",),
         tests=(f"{_FO}::test_velocity_is_commutator",
                f"{_TB}::test_velocity_is_dH_dk_by_finite_differences"), docs=(_CONV,)),
    dict(label="Eq. 5", covers=("Eq. 1", "Eq. 2", "Eq. 5"), reading="definition",
         statement="density n_O(r) = sum_i O_i * delta(r - r_i) (site-resolved on a lattice)",
         kernels=("lrtheory.finite.observables.density", "lrtheory.finite.observables.sym"),
         tests=(f"{_FO}::test_densities_sum_to_operator",), docs=(_FINITE,)),
    dict(label="Eq. 10", covers=("Eq. 9-10", "Eq. 36"), reading="definition",
         statement="torque density T_O = sum_i i[H_E, O_i] * delta(r - r_i); internal part "
         "T^int = (d_t O) * delta (Eq. 36)",
         kernels=("lrtheory.finite.observables.torque_density",
                  "lrtheory.finite.observables.time_derivative",
                  "lrtheory.finite.response.torque_accumulation"),
         tests=(f"{_FO}::test_torque_dipole_sums",), docs=(_FINITE,)),
    dict(label="Eq. 11", covers=("Eq. 6-8", "Eq. 11", "Eq. 30"), reading="as printed",
         statement="continuity d_t n_O + div J_O = T_O, J_O = sum O_i * v_i * delta: on a "
         "lattice the divergence is a lattice divergence -O * (i[H, P_i]) (bond currents)",
         kernels=("lrtheory.finite.observables.current_density",
                  "lrtheory.finite.observables.current_divergence"),
         tests=(f"{_FO}::test_lattice_continuity_operator_identity",
                f"{_FO}::test_divergence_first_moment_is_current",
                f"{_CONS}::test_continuity_equation_eq11"), docs=(_FINITE,)),
    dict(label="Eq. 12", covers=("Eq. 12-15",), reading="not used as printed",
         findings=(14,),
         statement="torque as minus the divergence of a torque dipole and the proper current "
         "J = sum d_t(O * r) * delta: needs zero net torque and slowly varying densities",
         kernels=("lrtheory.finite.observables.torque_dipole_density",),
         tests=(f"{_PROP}::test_torque_dipole_cancels_only_the_integrated_current",),
         docs=(_BULK,)),
    dict(label="Eq. 17", covers=("Eq. 16-17",), reading="as printed",
         statement="Kubo response chi_{A,B}(w) = sum L^eta_ab(w) A_ab B_ba for H' = +B F(t)",
         kernels=("lrtheory.finite.response.response", "lrtheory.symbolic.lindhard.chi"),
         tests=(f"{_FR}::test_response_matches_loop_reference",
                f"{_FR}::test_two_level_polarizability"), docs=(_CONV,)),
    dict(label="Eq. 18", covers=("Eq. 18", "S8"), reading="as printed", derivations=("eq26",),
         statement="Lindhard factor L^eta_ab(w) = (f_a - f_b)/(e_a - e_b + w + i eta); S8 its "
         "real and imaginary parts",
         kernels=("lrtheory.finite.response.lindhard", "lrtheory.symbolic.lindhard.lindhard",
                  "lrtheory.symbolic.lindhard.lindhard_re",
                  "lrtheory.symbolic.lindhard.lindhard_im"),
         tests=(f"{_FR}::test_lindhard_parts", f"{_DER}[eq26]"), docs=(_SYMB,)),
    dict(label="Eq. 19", covers=("Eq. 19",), reading="as printed", derivations=("eq22",),
         statement="Hermiticity of matrix elements [A]_ab = [A]_ba^*",
         kernels=("lrtheory.symbolic.operators.hermiticity_residual",),
         tests=("tests/symbolic/test_operators.py::test_hermiticity_eq19_on_kramers_basis",),
         docs=(_SYMB,)),
    dict(label="Eq. 20", covers=("Eq. 20-21",), reading="as printed",
         statement="density response to E: delta n_O(r) = e chi_{n_O, r}(r, w) . E",
         kernels=("lrtheory.finite.response.site_density_response",
                  "lrtheory.finite.response.density_accumulation"),
         tests=(f"{_FR}::test_site_density_response_matches_explicit_stack",
                f"{_RECI}::test_reciprocity_density_vs_position"), docs=(_FINITE,)),
    dict(label="Eq. 22", covers=("Eq. 22-23", "S1-S6"), reading="as printed",
         derivations=("eq22",), findings=(10,),
         statement="microscopic reciprocity chi_AB(w) = lA lB chi_BA(w) for a TR-invariant "
         "system (S1-S6: Lehmann proof)",
         kernels=("lrtheory.symmetry.operations.find_ribbon_symmetries",
                  "lrtheory.symmetry.rules.consequences"),
         tests=(f"{_RECI}::test_microscopic_reciprocity", f"{_RECI}::test_counterexample_tr_broken",
                "tests/physics/test_symmetry_ribbon.py", f"{_DER}[eq22]"), docs=(_SYMB,)),
    dict(label="Eq. 24", covers=("Eq. 24", "S7", "S9-S10"), reading="corrected",
         derivations=("eq24",), findings=(12,),
         statement="TR decomposition chi_AB = sum (1 + lA lB)/2 L Re[A B] + i (1 - lA lB)/2 L "
         "Im[A B]: holds on the sum over TR pairs, not pair by pair",
         tests=(f"{_RECI}::test_decomposition_eq24", f"{_DER}[eq24]"), docs=(_SYMB,)),
    dict(label="Eq. 26", covers=("Eq. 26",), reading="as printed", derivations=("eq26",),
         statement="L^eta -> P (f_a - f_b)/(e_a - e_b + w) - i pi (f_a - f_b) delta(e_a - e_b "
         "+ w) as eta -> 0",
         kernels=("lrtheory.symbolic.lindhard.principal_weight",
                  "lrtheory.symbolic.lindhard.lorentzian",
                  "lrtheory.kernels.lindhard.principal_interband"),
         tests=(f"{_DER}[eq26]",
                "tests/unit/test_kernels.py::test_principal_interband_drops_degenerate"),
         docs=(_SYMB,)),
    dict(label="Eq. 27", covers=("Eq. 25", "Eq. 27"), reading="as printed",
         derivations=("eq27",),
         statement="static TR-odd accumulation chi(0) = pi sum Im{n r} (f_a - f_b) delta(e_a "
         "- e_b): no dissipation, no accumulation",
         kernels=("lrtheory.finite.response.accumulation_parts",
                  "lrtheory.kernels.lindhard.fermi_surface_weight"),
         tests=(f"{_NODIS}::test_tr_odd_accumulation_vanishes_linearly_in_gapped_tr_system",
                f"{_NODIS}::test_counterexample_states_at_fermi_level",
                f"{_RIBA}::test_tr_invariant_ribbon_has_no_interband_tr_odd_accumulation",
                f"{_DER}[eq27]"), docs=(_SYMB, _FINITE)),
    dict(label="Eq. 28", covers=("Eq. 28", "S11-S14"), reading="corrected",
         derivations=("eq28",), findings=(3, 16),
         statement="Fermi-surface (relaxation-time) form chi(0) = -N(e_F) tau <Re{n v}>_FS "
         "(printed with +)",
         kernels=("lrtheory.response.fermi_surface.fermi_surface_density [corrected]",
                  "lrtheory.response.fermi_surface.fermi_surface_continuum [corrected]",
                  "lrtheory.response.fermi_surface.FermiSurfaceDensity [corrected]"),
         tests=(f"{_RASH}::test_eq28_numeric_matches_closed_form", f"{_DER}[eq28]"),
         docs=(_BULK, _SYMB)),
    dict(label="Eq. 29", covers=("Eq. 29",), reading="as printed", derivations=("eq29",),
         statement="static TR-even response chi_{J_O, r}(0) = 2P sum f_a Re{J r}/(e_a - e_b) "
         "(undergap currents)",
         kernels=("lrtheory.finite.response.response",
                  "lrtheory.response.hall.hall_conductivity"),
         tests=(f"{_HALL}::test_S23_equals_direct_kubo_eq29", f"{_DER}[eq29]"),
         docs=(_SYMB, _BULK)),
    dict(label="Eq. 32", covers=("Eq. 31-32",), reading="corrected",
         derivations=("eq32", "w1"), findings=(12,),
         statement="static response without TR chi(0) = 2P sum f_a Re{n r}/(e_a - e_b) "
         "(Eq. 31: L^n is L^eta)",
         kernels=("lrtheory.finite.response.accumulation_parts",
                  "lrtheory.kernels.lindhard.divided_difference"),
         tests=(f"{_NODIS}::test_undergap_piece_is_eq32",
                f"{_NODIS}::test_counterexample_tr_broken_insulator_accumulates",
                f"{_DER}[eq32]",
                "tests/unit/test_kernels.py::test_divided_difference_matches_symbolic",
                f"{_DER}[w1]"), docs=(_SYMB,)),
    dict(label="Eq. 33", covers=("Eq. 33-35",), reading="corrected", derivations=("eq33",),
         findings=(1,),
         statement="equation of motion -i(w + i eta) chi_AB = -i<[A, B]> + chi_{dA/dt, B} "
         "(printed with w: off by eta chi_AB)",
         kernels=("lrtheory.finite.response.commutator_expectation",
                  "lrtheory.finite.response.response"),
         tests=(f"{_CONS}::test_equation_of_motion_eq33", f"{_DER}[eq33]"), docs=(_SYMB, _FINITE)),
    dict(label="Eq. 41", covers=("Eq. 37-41", "S25-S31"), reading="corrected",
         derivations=("eq41",), findings=(2,),
         statement="net torque T = e eta chi_{O,r}(0).E exactly; with TR -> (e pi eta) sum "
         "(f_a - f_b) delta(e_a - e_b) Im{O r}.E (Eq. 41, right as printed)",
         kernels=("lrtheory.finite.response.net_torque",
                  "lrtheory.response.torque.bulk_net_torque",
                  "lrtheory.response.torque.density_response",
                  "lrtheory.response.torque.DensityResponse"),
         tests=(f"{_CONS}::test_net_torque_is_eta_times_accumulation",
                f"{_CONS}::test_net_torque_eq41_with_tr",
                f"{_CONS}::test_counterexample_eq41_needs_tr",
                f"{_CONS}::test_net_torque_vanishes_linearly_without_tr", f"{_DER}[eq41]"),
         docs=(_FINITE, _SYMB)),
    dict(label="Eq. 43", covers=("Eq. 42-43",), reading="corrected", derivations=("eq28",),
         findings=(3,),
         statement="relaxation-time net torque and external torque T_ext = T/(eta tau) = "
         "-e N(e_F) <Re{O v}>_FS . E (printed with +)",
         kernels=("lrtheory.response.torque.external_torque [corrected]",
                  "lrtheory.response.torque.ExternalTorque [corrected]",
                  "lrtheory.response.torque.bulk_net_torque"),
         tests=(f"{_TORQ}::test_external_torque_value_and_projected_form",
                f"{_TORQ}::test_net_torque_over_eta_tau_tends_to_external_linearly"),
         docs=(_BULK,)),
    dict(label="Eq. 44", covers=("Eq. 44", "S32-S34"), reading="as printed", findings=(3,),
         statement="net torque as a Fermi-surface derivative (ie/hbar)<D O>_FS . E = -e sum "
         "f_a E . d_k O_aa (agrees with the corrected sign of Eq. 43)",
         kernels=("lrtheory.response.torque.external_torque_sea",
                  "lrtheory.response.torque.ExternalTorqueSea"),
         tests=(f"{_TORQ}::test_external_torque_value_and_projected_form",), docs=(_BULK,)),
    dict(label="Eq. 45", covers=("Eq. 45-46", "S37-S40"), reading="corrected", findings=(14,),
         statement="torque dipole density D_{O,a} = sum <r_a * T_O * delta>; the triple "
         "product read as {r_a, {T, P_i}/2}/2",
         kernels=("lrtheory.finite.observables.torque_dipole_density",),
         tests=(f"{_FO}::test_torque_dipole_sums",
                f"{_PROP}::test_torque_dipole_cancels_only_the_integrated_current"),
         docs=(_FINITE, _BULK)),
    dict(label="Eq. 51", covers=("Eq. 47-51", "S35-S36"), reading="corrected",
         findings=(13, 14),
         statement="proper current J = j + D and its Fermi-surface response (ie/hbar)<D(r_a * "
         "O)>_FS . E: only the interband dipole of [O * r_a]_aa is gauge invariant",
         kernels=("lrtheory.response.torque.proper_current [corrected]",
                  "lrtheory.response.torque.ProperCurrent [corrected]"),
         tests=(f"{_TORQ}::test_proper_current_vanishes_in_tr_insulator_but_orbital_hall_does_not",
                f"{_PROP}::test_integrated_proper_current_is_eta_chi_and_vanishes",
                f"{_PROP}::test_valley_interior_conventional_current_is_bulk_hall"),
         docs=(_BULK,)),
    dict(label="Eq. 52", covers=("Eq. 52",), reading="corrected", findings=(9, 7),
         statement="OMM density n_m = sum m_i * delta(r - r_i): for point-like orbitals "
         "{m_z, P_i}/2 = (q/2)(r_i x j_i)_z exactly; m = (q/4)(r x v - v x r), q = -e",
         kernels=("lrtheory.finite.observables.omm_density",
                  "lrtheory.finite.observables.omm_density_split",
                  "lrtheory.finite.observables.orbital_moment",
                  "lrtheory.response.ribbon_operators.omm_density"),
         tests=(f"{_FO}::test_omm_split_lever_plus_bond", f"{_FO}::test_omm_definition",
                f"{_RIBA}::test_origin_shift_of_omm_density_is_current_term"),
         docs=(_RIBBON, _CONV)),
    dict(label="Eq. 53", covers=("Eq. 53", "S41-S43"), reading="corrected", findings=(6, 11),
         statement="Haldane model (t0, t2 e^{i phi}, Delta) and its Bloch matrix: S41 reads "
         "a_i^dag a_i, the S43 trace term is +t2(b_a + b_b)",
         kernels=("lrtheory.models.haldane.haldane [corrected]",
                  "lrtheory.models.haldane.haldane_bulk_bands [corrected]",
                  "lrtheory.finite.examples.haldane_flake"),
         tests=(f"{_TB}::test_haldane_bulk_bands_match_closed_form",
                "tests/numeric/test_finite_flake.py::test_flake_matches_bloch_builder_spectrum"),
         docs=(_RIBBON,)),
    dict(label="Eq. 54", covers=("Eq. 54", "S44-S45"), reading="as printed",
         statement="Haldane bulk bands e_{1,2} = +- sqrt(t0^2 |gamma|^2 + (Delta - 2 t2 "
         "beta)^2) (gapped graphene S45 at t2 = 0)",
         kernels=("lrtheory.models.haldane.haldane_bulk_bands",),
         tests=(f"{_TB}::test_gapped_graphene_limit_S45",
                f"{_TB}::test_gap_closes_at_phase_boundary"),
         docs=(_RIBBON,)),
    dict(label="Eq. 55", covers=("Eq. 55", "S46"), reading="as printed", derivations=("w1",),
         statement="static ribbon accumulation of a k-diagonal density: tau (df/dk) n_nn + sum "
         "(f_n - f_n')/(e_n - e_n') n_nn' A_n'n (right for a k-diagonal density)",
         kernels=("lrtheory.response.density.ribbon_accumulation",
                  "lrtheory.response.density.response_matrices",
                  "lrtheory.response.ribbon_ksum.RibbonIntegrand",
                  "lrtheory.response.ribbon_ksum.pair_weights",
                  "lrtheory.kernels.lindhard.divided_difference"),
         tests=(f"{_RIBA}::test_finite_eta_tends_to_tau_intraband_plus_interband",
                f"{_RIBA}::test_response_density_matrix_gauge_invariant_with_degenerate_flat_bands",
                "tests/physics/test_flake_vs_ribbon.py::test_flake_middle_approaches_ribbon"),
         docs=(_RIBBON,)),
    dict(label="Eq. 56", covers=("Eq. 56", "S47", "S49-S51"), reading="corrected",
         findings=(8,),
         statement="OMM density matrix elements n^m_nn = Re sum_l m_nl psi_l^dag psi_n: "
         "gauge dependent for l != n; S51 index typos",
         kernels=("lrtheory.response.omm.paper_density_response [as printed]",
                  "lrtheory.response.ribbon_paper.paper_route_profiles [as printed]",
                  "lrtheory.response.density.ribbon_accumulation [corrected]"),
         tests=("tests/physics/test_flake_vs_ribbon.py::test_flake_middle_approaches_ribbon",),
         docs=(_RIBBON,)),
    dict(label="Eq. 57", covers=("Eq. 57", "S52-S55"), reading="corrected", findings=(8, 7),
         derivations=("eq57",),
         statement="ribbon OMM matrix m_nl(k) = -(e/2) d_k(e_n + e_l) r^y_nl + (e/4i) sum "
         "(e_l + e_n - 2 e_n')[A r^y - r^y A]: off-diagonal gauge dependent",
         kernels=("lrtheory.response.omm.paper_omm_eq57 [as printed]",
                  "lrtheory.response.omm.omm_matrix [corrected]",
                  "lrtheory.response.omm.omm_diagonal_parts [corrected]"),
         tests=(f"{_OMM}::test_printed_eq57_diagonal_and_gauge_dependence",
                f"{_OMM}::test_printed_eq57_diagonal_origin_dependence_is_twice_the_lever_arm",
                f"{_OMM}::test_omm_matrix_gauge_covariant",
                f"{_OMM}::test_ribbon_total_moment_approaches_bulk_magnetization",
                "tests/symbolic/test_eq57_kernels.py", f"{_DER}[eq57]"),
         docs=(_RIBBON,)),
    dict(label="Eq. 58", covers=("Eq. 58",), reading="corrected", findings=(10,),
         statement="undergap (interband) OMM accumulation of Fig. 3: zero in zigzag Haldane "
         "ribbons for every t2, phi, Delta (M_x Theta, U = 1); not in armchair ribbons",
         kernels=("lrtheory.response.density.ribbon_accumulation",),
         tests=("tests/physics/test_symmetry_ribbon.py::"
                "test_haldane_has_no_undergap_omm_accumulation_for_any_parameters",
                "tests/physics/test_armchair_undergap.py::test_zigzag_zero_armchair_not"),
         docs=(_RIBBON,)),
    dict(label="S15", covers=("S15",), reading="as printed", derivations=("s18",),
         statement="Rashba gas H = k^2/2m + alpha (z x k).sigma",
         kernels=("lrtheory.models.continuum.RashbaGas",),
         tests=(f"{_RASH}::test_printed_claims_S17",), docs=(_BULK,)),
    dict(label="S16", covers=("S16",), reading="corrected", derivations=("s18",), findings=(4,),
         statement="Rashba spin accumulation S_y = (hbar/2) sum N tau <sigma_y v_x>; velocity "
         "k_x/m + alpha sigma_y (printed -)",
         kernels=("lrtheory.response.fermi_surface.fermi_surface_continuum [corrected]",),
         tests=(f"{_RASH}::test_eq28_numeric_matches_closed_form", f"{_DER}[s18]"),
         docs=(_BULK, _SYMB)),
    dict(label="S17", covers=("S17",), reading="as printed", derivations=("s18",),
         statement="Rashba densities of states N_+- = (m/2 pi)(1 +- alpha/v_F), v_F+ = v_F-",
         kernels=("lrtheory.models.continuum.RashbaGas.fermi_circles",),
         tests=(f"{_RASH}::test_printed_claims_S17",), docs=(_BULK,)),
    dict(label="S18", covers=("S18",), reading="corrected", derivations=("s18",), findings=(5,),
         statement="Edelstein result: S16 + S17 give S_y = m alpha tau e E/(4 pi), half the "
         "printed S18; the ladder-dressed (vertex-corrected) Born route gives the printed S18",
         kernels=("lrtheory.response.fermi_surface.fermi_surface_continuum [corrected]",
                  "lrtheory.disorder.born_response.vertex_corrected_response [as printed]"),
         tests=(f"{_RASH}::test_closed_form_and_printed_S18",
                f"{_RASH}::test_eq28_numeric_matches_closed_form", f"{_DER}[s18]",
                "tests/physics/test_disorder_diagrams.py::"
                "test_rashba_dressed_gives_printed_s18_bare_gives_half"),
         docs=(_BULK, _SYMB, "disorder.md#route-2-diagrams-born-self-energy-ladder")),
    dict(label="S23", covers=("S19-S23",), reading="as printed", derivations=("s24",),
         statement="generalized Hall conductivity sigma^a_bc = e chi_{J_O, r}(0) = 2 sum f "
         "Re{[O * v] A}/(e_n - e_n') (S22's 1/2 unused)",
         kernels=("lrtheory.response.hall.hall_conductivity",
                  "lrtheory.response.hall.HallIntegrand",
                  "lrtheory.response.hall3d.hall_tensor",
                  "lrtheory.response.hall3d.HallTensorIntegrand"),
         tests=(f"{_HALL}::test_S23_equals_direct_kubo_eq29",
                f"{_HALL}::test_sigma_xy_quantized_minus_C",
                f"{_DER}[s24]"), docs=(_BULK, _SYMB)),
    dict(label="S24", covers=("S24",), reading="as printed", derivations=("s24", "two_band"),
         findings=(15,),
         statement="generalized Berry curvature Omega^a_bc = -2 Im sum [O * v^b] v^c/(e_n - "
         "e_n')^2 (O = 1: d_kx A^y - d_ky A^x)",
         kernels=("lrtheory.response.berry.generalized_berry_curvature",
                  "lrtheory.response.berry.berry_curvature",
                  "lrtheory.response.berry.bands_and_curvature",
                  "lrtheory.kernels.two_band.two_band_bands_and_curvature",
                  "lrtheory.kernels.two_band.two_band_orbital_hall_curvature"),
         tests=(f"{_HALL}::test_chern_integer_and_fhs",
                f"{_TWO}::test_closed_form_equals_sum_over_states",
                "tests/physics/test_berry_dirac.py::test_numeric_approaches_dirac",
                "tests/unit/test_wannier_interpolation.py::"
                "test_rotated_basis_reproduces_the_original_curvature",
                f"{_DER}[s24]", f"{_DER}[two_band]"),
         docs=(_BULK, _SYMB, "wannier-interpolation.md#the-curvature-of-full-interpolation")),
    dict(label="S48", covers=("S48",), reading="definition",
         statement="atomic-position Bloch convention psi_nk = N^-1/2 sum C_mu e^{ik(R + r_mu)} "
         "phi_{R mu}; H_ij(k) = sum t_ij(R) e^{ik.(R + r_j - r_i)}",
         kernels=("lrtheory.models.fourier.to_tight_binding", "lrtheory.response.berry.fhs_chern"),
         tests=("tests/unit/test_fourier.py::test_haldane_matrix_gives_the_builtin_hoppings",
                f"{_TB}::test_move_orbital_between_cells_keeps_spectrum_and_physics"),
         docs=(_BLOCH,)),
]
