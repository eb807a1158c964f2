"""Reference numbers for test/core/privacy/distributed-dg.test.ts.

An independent transcription, in Python with 50-digit mpmath arithmetic, of
the formulas of the authors' reference code for KLS21 (Kairouz, Liu, Steinke,
ICML 2021, arXiv:2102.06387): google-research/federated,
distributed_dp/accounting_utils.py (commit 5e27a86):
  rounded_l2_norm_bound, rounded_l1_norm_bound   (Thm. 1 Eq. 2, Prop. 22)
  ddgauss_epsilon with q = 1, rounding = True      (tau, Prop. 14 / Eq. 17)
and of the RDP -> (eps, delta) conversion of tensorflow_privacy's
get_privacy_spent (r + log1p(-1/a) - log(delta*a)/(a-1), KL cap), which the
reference code calls. DIV_EPSILON (1e-22 added to gamma) is left out; it
moves nothing at these gammas. Also the least over m <= n of the Prop. 14
bound, by brute force (no early exit), the second path for ddgRdp.

Run: python3 test/core/privacy/ddg-reference.py
"""
from mpmath import mp, mpf, sqrt, exp, log, log1p, expm1, pi

mp.dps = 50
RDP_ORDERS = list(range(2, 129)) + [256]


def rounded_l2(l2, beta, dim):
    b1 = l2 + sqrt(dim)
    if beta == 0:
        return b1
    sq = l2**2 + mpf(dim) / 4 + sqrt(2 * log(1 / beta)) * (l2 + sqrt(dim) / 2)
    return min(b1, sqrt(sq))


def rounded_l1(l2, dim):
    return l2 * min(sqrt(dim), l2)


def tau_of(n, s):
    return 10 * sum(exp(-2 * (pi * s) ** 2 * (mpf(k) / (k + 1))) for k in range(1, n))


def prop14(a, l2s, l1s, tau, dim):
    t1 = a / mpf(2) * l2s**2 + tau * dim
    t2 = a / mpf(2) * (l2s**2 + 2 * l1s * tau + tau**2 * dim)
    t3 = a / mpf(2) * (l2s + sqrt(dim) * tau) ** 2
    return min(t1, t2, t3)


def eps_of(rdp, orders, delta):
    best, order = mp.inf, None
    for a, r in zip(orders, rdp):
        if delta**2 + expm1(-r) >= 0:
            e = mpf(0)
        else:
            e = r + log1p(-mpf(1) / a) - log(delta * a) / (a - 1)
        if e < best:
            best, order = e, a
    return max(mpf(0), best), order


def case(name, gamma, local_stddev, n, l2_sens, beta, dim, steps, delta, orders=RDP_ORDERS):
    gamma, local_stddev, l2_sens, delta = mpf(gamma), mpf(local_stddev), mpf(l2_sens), mpf(delta)
    beta = mpf(beta) if beta != 0 else 0
    scale = 1 / gamma
    l2 = rounded_l2(l2_sens * scale, beta, dim) / scale
    l1 = rounded_l1(l2 * scale, dim) / scale
    s = local_stddev * scale
    tau = tau_of(n, s)
    l2s = l2 / (sqrt(n) * local_stddev)
    l1s = l1 / (sqrt(n) * local_stddev)
    rdp_n = [prop14(a, l2s, l1s, tau, dim) * steps for a in orders]
    eps_n, order_n = eps_of(rdp_n, orders, delta)
    # Least over m <= n shares (post-processing), brute force.
    taus = [tau_of(m, s) for m in range(1, n + 1)]
    rdp_min = []
    for a in orders:
        rdp_min.append(min(prop14(a, l2 * scale / (sqrt(m) * s), l1 * scale / (sqrt(m) * s), taus[m - 1], dim) for m in range(1, n + 1)) * steps)
    eps_min, order_min = eps_of(rdp_min, orders, delta)
    print(f'{name}: int l2 = {mp.nstr(l2 * scale, 17)}, int l1 = {mp.nstr(l1 * scale, 17)}, s = {mp.nstr(s, 17)}, tau = {mp.nstr(tau, 17)}')
    print(f'  reference (m = n): eps = {mp.nstr(eps_n, 17)} at order {order_n}; rdp[alpha=2] = {mp.nstr(rdp_n[0], 17)}, rdp[alpha=32] = {mp.nstr(rdp_n[30], 17)}')
    print(f'  least over m <= n: eps = {mp.nstr(eps_min, 17)} at order {order_min}; rdp[alpha=2] = {mp.nstr(rdp_min[0], 17)}')


# V1: a KLS21-like setting, tau negligible: d = 2^16, n = 100, c = 1, gamma = 1e-3, sigma = 0.5, beta = e^-1/2, 100 rounds.
case('V1', '1e-3', '0.5', 100, 1, exp(mpf(-0.5)), 2**16, 100, '1e-5')
# V2: little noise per client (s = 0.6), so tau and the L1 term matter: d = 64, n = 10, c = 5, gamma = 1, beta = 0, one round.
case('V2', 1, '0.6', 10, 5, 0, 64, 1, '1e-5')
# V3: s = 0.5, n = 50, d = 1024, c = 20, gamma = 1, beta = e^-1/2: tau is large, fewer shares give the better bound.
case('V3', 1, '0.5', 50, 20, exp(mpf(-0.5)), 1024, 1, '1e-5')
# V4: s = 1, n = 100, d = 16, c = 2, gamma = 1, beta = e^-1/2, 5 rounds: tau small but visible next to the Gaussian's eps.
case('V4', 1, '1', 100, 2, exp(mpf(-0.5)), 16, 5, '1e-5')
