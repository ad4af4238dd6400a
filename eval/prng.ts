/** A small seeded PRNG and the distributions the simulator needs: same seed, same numbers, everywhere. */
export interface Random {
  uniform(): number;
  normal(): number;
  gamma(shape: number): number;
  poisson(mean: number): number;
  /** Negative binomial as a gamma-Poisson mixture: variance = mean + mean^2 / size. */
  negBinomial(mean: number, size: number): number;
  int(lo: number, hiExclusive: number): number;
}

export function rng(seed: number): Random {
  // mulberry32
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => {
    const u = Math.max(uniform(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
  const gamma = (shape: number): number => {
    // Marsaglia-Tsang; shape < 1 by the boost trick.
    if (shape < 1) return gamma(shape + 1) * Math.pow(Math.max(uniform(), 1e-12), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = normal();
      const v0 = 1 + c * x;
      if (v0 <= 0) continue;
      const v = v0 * v0 * v0;
      const u = uniform();
      if (Math.log(Math.max(u, 1e-300)) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  const poisson = (mean: number): number => {
    if (mean <= 0) return 0;
    if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = uniform();
    while (p > limit) {
      k++;
      p *= uniform();
    }
    return k;
  };
  return {
    uniform,
    normal,
    gamma,
    poisson,
    negBinomial: (mean, size) => poisson(mean * (gamma(size) / size)),
    int: (lo, hi) => lo + Math.floor(uniform() * (hi - lo)),
  };
}
