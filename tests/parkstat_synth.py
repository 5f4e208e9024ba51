"""Synthetic parksim-layout files with known distributions, for the parkstat tests.

write_run() writes the part of the docs/OUTPUT.md layout parkstat reads (root
attributes, /summary, /park_year/park_code and /park_year/tier) from arrays the
test controls. markov_tiers() draws tiers from a 3-tier Markov chain with a
per-park initial distribution; exact() gives, for the same chain, the exact
per-park probabilities, the Poisson-binomial distribution of the top-tier
count, and the time-to-first-top-tier distribution.
"""
import h5py
import numpy as np

# Transition matrix between consecutive years (rows: tier now, columns: tier next).
M = np.array([[0.80, 0.15, 0.05],
              [0.10, 0.70, 0.20],
              [0.05, 0.25, 0.70]])


def initial(P):
    """Per-park initial tier distributions: P(top) from 0.05 to 0.75, rest split 2:1."""
    a = np.linspace(0.05, 0.75, P)
    return np.stack([a, (1 - a) * 2 / 3, (1 - a) / 3], axis=1)


def markov_tiers(rng, R, Y, P, pi0=None):
    """tier[R, Y, P] in 1..3: independent parks, each a Markov chain with matrix M."""
    pi0 = initial(P) if pi0 is None else pi0
    tier = np.empty((R, Y, P), dtype=np.int8)
    u = rng.random((R, P))
    tier[:, 0, :] = (u[:, :, None] > np.cumsum(pi0, axis=1)[None, :, :]).sum(axis=2) + 1
    cm = np.cumsum(M, axis=1)
    for y in range(1, Y):
        u = rng.random((R, P))
        rows = cm[tier[:, y - 1, :] - 1]                     # [R, P, 3]
        tier[:, y, :] = np.minimum((u[:, :, None] > rows).sum(axis=2), 2) + 1
    return tier


def poisson_binomial(p):
    """Exact distribution of the number of successes of independent Bernoulli(p_i)."""
    dist = np.array([1.0])
    for q in p:
        dist = np.convolve(dist, [1 - q, q])
    return dist


def exact(P, Y, pi0=None):
    """Exact answers for markov_tiers: per year and park P(top), P(reached by), P(first),
    P(never), and per year the count distribution."""
    pi0 = initial(P) if pi0 is None else pi0
    p_top = np.empty((Y, P))
    p_first = np.empty((Y, P))
    p_never = np.empty(P)
    for i in range(P):
        s = pi0[i].copy()
        for y in range(Y):
            if y:
                s = s @ M
            p_top[y, i] = s[0]
        s = pi0[i].copy()
        p_first[0, i] = s[0]
        s[0] = 0
        for y in range(1, Y):
            s = s @ M
            p_first[y, i] = s[0]
            s[0] = 0
        p_never[i] = s.sum()
    count = [poisson_binomial(p_top[y]) for y in range(Y)]
    return {"p_top": p_top, "p_first": p_first, "p_by": np.cumsum(p_first, axis=0), "p_never": p_never,
            "count": count}


def write_run(path, top, tier=None, years=(2025, 2026, 2027, 2028), codes=None, seed=1, name="synthetic",
              complete=True, targets=None):
    R, Y = top.shape
    P = tier.shape[2] if tier is not None else len(codes)
    codes = codes or ["park%02d" % i for i in range(P)]
    if tier is None:
        tier = np.full((R, Y, P), 3, dtype=np.int8)
    with h5py.File(path, "w") as f:
        f.attrs["scenario_name"] = np.bytes_(name)
        f.attrs.create("seed", seed, dtype="<u8")
        f.attrs.create("replicates", R, dtype="<i4")
        if targets is not None:
            f.attrs["targets"] = np.bytes_(targets)
        s = f.create_group("summary")
        s["year"] = np.array(years, dtype="<i4")
        s["top_tier_count"] = top.astype("<i4")
        py = f.create_group("park_year")
        py["park_code"] = np.array(codes, dtype=h5py.string_dtype("utf-8"))
        d = py.create_dataset("tier", data=tier.astype("<i1"))
        d.attrs["flag_values"] = np.array([1, 2, 3], dtype="<i1")
        if complete:
            f.attrs.create("parksim_complete", 1, dtype="<i4")
