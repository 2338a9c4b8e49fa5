"""random_block_unitary: a valid change of eigenvector gauge (unitary, block diagonal, not
trivial), and the counter-check that mixing non-degenerate states breaks the eigen equation."""
import numpy as np

from lrtheory.kernels.gauge import random_block_unitary


def test_block_unitary_is_a_gauge_transformation(rng):
    e = np.array([-1.0, 0.5, 0.5, 0.5, 2.0, 2.0])
    Q, _ = np.linalg.qr(rng.normal(size=(6, 6)) + 1j * rng.normal(size=(6, 6)))
    H = Q @ np.diag(e) @ Q.conj().T
    blocks = np.abs(e[:, None] - e[None, :]) < 1e-12
    W = random_block_unitary(np.broadcast_to(blocks, (3, 6, 6)), rng)
    assert W.shape == (3, 6, 6)
    np.testing.assert_allclose(W @ np.conj(np.swapaxes(W, -1, -2)), np.broadcast_to(np.eye(6), W.shape),
                               atol=1e-12)
    assert np.all(W[:, ~blocks] == 0)
    assert np.abs(W[:, 1:4, 1:4] - np.eye(3)).max() > 0.1  # really rotates the triplet
    assert np.all(np.abs(np.abs(W[:, 0, 0]) - 1) < 1e-12)  # a pure phase on a single state
    U = Q @ W  # still eigenvectors, same energies
    np.testing.assert_allclose(H @ U, U * e, atol=1e-12)


def test_mixing_non_degenerate_states_is_not_a_gauge(rng):
    e = np.array([-1.0, 0.5, 2.0])
    Q, _ = np.linalg.qr(rng.normal(size=(3, 3)) + 0j)
    H = Q @ np.diag(e) @ Q.T
    W = random_block_unitary(np.ones((3, 3), bool), rng)  # wrong: everything "degenerate"
    U = Q @ W
    assert np.abs(H @ U - U * e).max() > 1e-2
