r"""Q1: the reversible block $x = \alpha \odot z + F_\Theta(u)$, $v = \beta \odot u$, and its checks.

Sizes: $z, x, \alpha \in \mathbb{R}^m$; $u, v, \beta \in \mathbb{R}^n$; $F_\Theta: \mathbb{R}^n \to \mathbb{R}^m$ any
differentiable map (here a small MLP), never inverted.

    inverse:   u = v / β,   z = (x - F_Θ(u)) / α          (needs every α_i ≠ 0 and β_j ≠ 0)
    Jacobian:  ∂(x, v)/∂(z, u) = [[diag(α), J_F(u)], [0, diag(β)]]    blocks m×m, m×n / n×m, n×n
    log|det|:  Σ_i log|α_i| + Σ_j log|β_j|;   the inverse's: det J⁻¹ = 1 / (Π_i α_i Π_j β_j)
"""
import sympy
import torch
from torch import nn


class ReversibleBlock(nn.Module):
    def __init__(self, m: int, n: int, hidden: int = 16):
        super().__init__()
        self.m, self.n = m, n
        scales = lambda k: nn.Parameter(torch.where(torch.rand(k) < 0.5, -1.0, 1.0) * (0.5 + torch.rand(k)))
        self.alpha, self.beta = scales(m), scales(n)   # of either sign, away from 0: invertible only if none is 0
        self.F = nn.Sequential(nn.Linear(n, hidden), nn.Tanh(), nn.Linear(hidden, m))  # F_Θ: R^n -> R^m

    def forward(self, z: torch.Tensor, u: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.alpha * z + self.F(u), self.beta * u

    def inverse(self, x: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        u = v / self.beta                  # first u from v alone ...
        return (x - self.F(u)) / self.alpha, u  # ... then z, with F evaluated forwards at the recovered u

    def log_abs_det(self) -> torch.Tensor:
        """log|det ∂(x,v)/∂(z,u)|: the same for every input, O(m + n)."""
        return self.alpha.abs().log().sum() + self.beta.abs().log().sum()

    def jacobian_formula(self, u: torch.Tensor) -> torch.Tensor:
        """The (m+n)×(m+n) block matrix [[diag α, J_F(u)], [0, diag β]] of one example u (n,), with
        J_F = W_2 diag(tanh'(W_1 u + b_1)) W_1 by the chain rule, no autograd (so jacrev can check it)."""
        hidden, _, out = self.F
        jacobian = torch.diag(torch.cat([self.alpha, self.beta]))                    # diag α, diag β; 0 elsewhere
        jacobian[:self.m, self.m:] = out.weight * (1 - torch.tanh(hidden(u)) ** 2) @ hidden.weight   # J_F (m, n)
        return jacobian

    def jacobian_autograd(self, a: torch.Tensor, b: torch.Tensor, inverse: bool = False) -> torch.Tensor:
        """The reference: jacrev of (z,u) -> (x,v), or with inverse=True of (x,v) -> (z,u), at (a,b): (m+n)×(m+n)."""
        f = self.inverse if inverse else self
        return torch.func.jacrev(lambda ab: torch.cat(f(ab[:self.m], ab[self.m:])))(torch.cat([a, b]))


def numeric_checks(m: int = 3, n: int = 4, batch: int = 64, seed: int = 0) -> dict[str, float]:
    """The largest disagreement of each claim with its reference, in float64, on a random block and inputs."""
    torch.manual_seed(seed)
    block = ReversibleBlock(m, n).double()
    z, u = torch.randn(batch, m, dtype=torch.float64), torch.randn(batch, n, dtype=torch.float64)
    with torch.no_grad():
        x, v = block(z, u)
        z_back, u_back = block.inverse(x, v)
        references = torch.stack([block.jacobian_autograd(zi, ui) for zi, ui in zip(z[:8], u[:8])])  # (8, m+n, m+n)
        formulas = torch.stack([block.jacobian_formula(ui) for ui in u[:8]])
        inverses = torch.stack([block.jacobian_autograd(xi, vi, inverse=True) for xi, vi in zip(x[:8], v[:8])])
        log_det = block.log_abs_det()   # printed beside its checks: alpha, beta are random, so it is not 0
        det_errors = torch.linalg.slogdet(references)[1] - log_det
        inverse_det_errors = torch.linalg.slogdet(inverses)[1] + log_det
    largest = lambda difference: float(difference.abs().max())
    return {"round trip (z,u) -> (x,v) -> (z,u)": largest(torch.cat([z - z_back, u - u_back], 1)),
            "Jacobian: jacrev vs block formula": largest(references - formulas),
            f"log|det J| = {log_det:+.3f}: slogdet(jacrev) vs sum log|alpha|+sum log|beta|": largest(det_errors),
            f"log|det J^-1| = {-log_det:+.3f}: slogdet(jacrev of inverse) vs -(that)": largest(inverse_det_errors)}


def symbolic_check(m: int = 2, n: int = 2) -> dict[str, sympy.Expr]:
    """The same derivation in sympy with a generic, unspecified F (undefined functions F_i(u_1..u_n))."""
    z, u = sympy.symbols(f"z1:{m + 1}"), sympy.symbols(f"u1:{n + 1}")
    alpha, beta = sympy.symbols(f"alpha1:{m + 1}", nonzero=True), sympy.symbols(f"beta1:{n + 1}", nonzero=True)
    F = [sympy.Function(f"F{i + 1}")(*u) for i in range(m)]
    x = [alpha[i] * z[i] + F[i] for i in range(m)]
    v = [beta[j] * u[j] for j in range(n)]
    jacobian = sympy.Matrix(x + v).jacobian(z + u)
    determinant = sympy.factor(jacobian.det())
    xs, vs = sympy.symbols(f"x1:{m + 1}"), sympy.symbols(f"v1:{n + 1}")
    (inverse,) = sympy.solve([a - b for a, b in zip(xs + vs, x + v)], z + u, dict=True)   # unique
    closed_form = sympy.Mul(*alpha, *beta)
    inverse_det = sympy.factor(sympy.Matrix([inverse[s] for s in z + u]).jacobian(xs + vs).det())
    u_from_v = {u[j]: vs[j] / beta[j] for j in range(n)}                # (a): u = v / β, then z = (x - F(u)) / α
    from_a = {**u_from_v, **{z[i]: (xs[i] - F[i].subs(u_from_v, simultaneous=True)) / alpha[i] for i in range(m)}}
    return {"jacobian": jacobian, "det": determinant, "det_matches": sympy.simplify(determinant - closed_form) == 0,
            "inverse": inverse, "inverse_matches": all(sympy.simplify(inverse[k] - from_a[k]) == 0 for k in from_a),
            "inverse_det": inverse_det, "inverse_det_matches": sympy.simplify(inverse_det - 1 / closed_form) == 0}
