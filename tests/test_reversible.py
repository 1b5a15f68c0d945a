"""Q1: the reversible block's inverse, Jacobian and determinant against jacrev, slogdet and SymPy."""
import pytest
import sympy
import torch

from hw5.answers import reversible


@pytest.mark.parametrize("m, n", [(1, 1), (3, 4), (5, 2)])
def test_reversible_block_inverse_jacobian_and_log_det(m, n):
    errors = reversible.numeric_checks(m, n, seed=m * 10 + n)
    assert len(errors) == 4 and max(errors.values()) < 1e-12, errors


def test_the_log_det_rows_print_the_blocks_own_value_which_is_not_zero():
    torch.manual_seed(0)
    block = reversible.ReversibleBlock(3, 4).double()   # as numeric_checks draws it
    rows = list(reversible.numeric_checks(3, 4, seed=0))
    value = float(block.log_abs_det().detach())
    assert abs(value) > 0.1 and f"log|det J| = {value:+.3f}" in rows[2] and f"= {-value:+.3f}" in rows[3]


def test_jacobian_formula_would_catch_a_misplaced_block():
    torch.manual_seed(0)
    block = reversible.ReversibleBlock(3, 2).double()
    z, u = torch.randn(3, dtype=torch.float64), torch.randn(2, dtype=torch.float64)
    reference = block.jacobian_autograd(z, u)
    assert torch.allclose(reference, block.jacobian_formula(u))
    assert not torch.allclose(reference, block.jacobian_formula(u).T)  # J_F belongs top right, not bottom left
    assert torch.count_nonzero(reference[3:, :3]) == 0                  # ∂v/∂z = 0


def test_sympy_derivation_with_a_generic_F():
    result = reversible.symbolic_check(2, 3)
    a1, a2, b1, b2, b3 = sympy.symbols("alpha1 alpha2 beta1 beta2 beta3", nonzero=True)
    assert result["det_matches"] and sympy.simplify(result["det"] - a1 * a2 * b1 * b2 * b3) == 0
    x1, v1, v2, v3 = sympy.symbols("x1 v1 v2 v3")
    F1 = sympy.Function("F1")(v1 / b1, v2 / b2, v3 / b3)
    assert sympy.simplify(result["inverse"][sympy.Symbol("z1")] - (x1 - F1) / a1) == 0
    assert result["inverse_matches"] and result["inverse_det_matches"] and sympy.simplify(result["inverse_det"] * a1 * a2 * b1 * b2 * b3) == 1
