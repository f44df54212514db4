//! The robust statistics behind the trend verdicts: the Theil–Sen slope with Sen's confidence interval, the
//! Mann–Kendall trend test (exact distribution for small untied samples, the normal approximation with the
//! ties correction otherwise), and quantiles.
//!
//! Inputs are capped at [`MAX_POINTS`] (evenly thinned) so the O(n²) pairwise steps stay fast.

/// Largest sample the pairwise statistics use; longer inputs are thinned evenly.
pub const MAX_POINTS: usize = 1500;

/// Above this size the exact Mann–Kendall distribution gives way to the normal approximation.
const EXACT_MAX_N: usize = 60;

/// The result of the Mann–Kendall test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MannKendall {
    /// Concordant minus discordant pairs.
    pub s: f64,
    /// Two-sided p-value of "no monotonic trend".
    pub p_value: f64,
    /// One-sided p-value against an increasing trend.
    pub p_increasing: f64,
    /// Variance of S under the null hypothesis (with the ties correction).
    pub var_s: f64,
}

/// Standard normal cumulative distribution (via a Chebyshev-fitted erfc, |error| < 1.2e-7).
pub fn normal_cdf(z: f64) -> f64 {
    let x = z / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * x.abs());
    let poly = -x * x - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let erfc = t * poly.exp();
    if x >= 0.0 {
        1.0 - 0.5 * erfc
    } else {
        0.5 * erfc
    }
}

/// Indices that thin `n` points evenly to at most [`MAX_POINTS`].
pub fn thin(n: usize) -> Vec<usize> {
    if n <= MAX_POINTS {
        return (0..n).collect();
    }
    // In u64: `i * (n - 1)` overflows a 32-bit usize (wasm32) from about 2.9 M points.
    let last = (n - 1) as u64;
    (0..MAX_POINTS).map(|i| (i as u64 * last / (MAX_POINTS as u64 - 1)) as usize).collect()
}

/// Mann–Kendall test on values in time order; `None` for fewer than 3 values.
pub fn mann_kendall(values: &[f64]) -> Option<MannKendall> {
    let idx = thin(values.len());
    let v: Vec<f64> = idx.iter().map(|&i| values[i]).collect();
    let n = v.len();
    if n < 3 {
        return None;
    }
    let mut s = 0i64;
    for i in 0..n {
        for j in i + 1..n {
            s += match v[j].partial_cmp(&v[i]) {
                Some(std::cmp::Ordering::Greater) => 1,
                Some(std::cmp::Ordering::Less) => -1,
                _ => 0,
            };
        }
    }
    let mut sorted = v.clone();
    sorted.sort_by(f64::total_cmp);
    let mut tie_term = 0.0;
    let mut has_ties = false;
    let mut run = 1usize;
    for k in 1..=n {
        if k < n && sorted[k] == sorted[k - 1] {
            run += 1;
            continue;
        }
        if run > 1 {
            has_ties = true;
            let t = run as f64;
            tie_term += t * (t - 1.0) * (2.0 * t + 5.0);
        }
        run = 1;
    }
    let nf = n as f64;
    let var_s = (nf * (nf - 1.0) * (2.0 * nf + 5.0) - tie_term) / 18.0;
    let s = s as f64;
    let (p_increasing, p_decreasing) = if !has_ties && n <= EXACT_MAX_N {
        exact_tails(n, s)
    } else if var_s > 0.0 {
        let z_up = (s - 1.0) / var_s.sqrt();
        let z_down = (s + 1.0) / var_s.sqrt();
        (1.0 - normal_cdf(z_up), normal_cdf(z_down))
    } else {
        (1.0, 1.0)
    };
    let p_value = (2.0 * p_increasing.min(p_decreasing)).min(1.0);
    Some(MannKendall { s, p_value, p_increasing, var_s })
}

/// P(S ≥ s) and P(S ≤ s) under the null for `n` untied values: S = N − 2·inversions, and the inversion
/// count of a random permutation has the Mahonian distribution, built here by dynamic programming.
fn exact_tails(n: usize, s: f64) -> (f64, f64) {
    let max_inv = n * (n - 1) / 2;
    let mut dist = vec![0.0f64; max_inv + 1];
    dist[0] = 1.0;
    for k in 1..n {
        let mut next = vec![0.0f64; max_inv + 1];
        let mut window = 0.0;
        for j in 0..=max_inv {
            window += dist[j];
            if j > k {
                window -= dist[j - k - 1];
            }
            next[j] = window / (k + 1) as f64;
        }
        dist = next;
    }
    let inversions = ((max_inv as f64 - s) / 2.0).round() as usize;
    let at_most: f64 = dist[..=inversions.min(max_inv)].iter().sum();
    let at_least: f64 = dist[inversions.min(max_inv)..].iter().sum();
    (at_most.min(1.0), at_least.min(1.0))
}

/// The Theil–Sen slope (median of pairwise slopes) with Sen's 95% confidence interval, in value units per
/// time unit; `None` with fewer than 2 distinct times.
pub fn theil_sen(t: &[f64], v: &[f64]) -> Option<(f64, f64, f64)> {
    let idx = thin(t.len().min(v.len()));
    let mut slopes = Vec::with_capacity(idx.len() * idx.len() / 2);
    for (a, &i) in idx.iter().enumerate() {
        for &j in &idx[a + 1..] {
            let dt = t[j] - t[i];
            if dt != 0.0 {
                slopes.push((v[j] - v[i]) / dt);
            }
        }
    }
    if slopes.is_empty() {
        return None;
    }
    slopes.sort_by(f64::total_cmp);
    let slope = median_sorted(&slopes);
    let values: Vec<f64> = idx.iter().map(|&i| v[i]).collect();
    let var_s = mann_kendall(&values).map_or(0.0, |mk| mk.var_s);
    let n = slopes.len() as f64;
    let c = 1.959_964 * var_s.sqrt();
    let lower_rank = ((n - c) / 2.0).floor().max(0.0) as usize;
    let upper_rank = ((n + c) / 2.0).ceil() as usize;
    let lo = slopes[lower_rank.min(slopes.len() - 1)];
    let hi = slopes[upper_rank.min(slopes.len() - 1)];
    Some((slope, lo, hi))
}

fn median_sorted(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// The q-quantile (0..=1) of values by linear interpolation; `None` when empty.
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinning_many_points_keeps_both_ends_and_stays_in_range() {
        let n = 5_000_000;
        let idx = thin(n);
        assert_eq!(idx.len(), MAX_POINTS);
        assert_eq!((idx[0], idx[idx.len() - 1]), (0, n - 1));
        assert!(idx.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn exact_mann_kendall_matches_permutation_counts() {
        // A strictly increasing sequence of n is 1 of n! orderings.
        let mk = mann_kendall(&[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert!((mk.p_increasing - 1.0 / 24.0).abs() < 1e-12);
        assert!((mk.p_value - 2.0 / 24.0).abs() < 1e-12);
        // S = 4 for [1,3,2,4] (5 concordant, 1 discordant): orderings with ≤ 1 inversion are 1 + 3 of 24.
        let mk = mann_kendall(&[1.0, 3.0, 2.0, 4.0]).unwrap();
        assert_eq!(mk.s, 4.0);
        assert!((mk.p_increasing - 4.0 / 24.0).abs() < 1e-12);
    }

    #[test]
    fn normal_cdf_known_points() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(1.959_964) - 0.975).abs() < 1e-6);
        assert!((normal_cdf(-3.0) - 0.001_349_9).abs() < 1e-6);
    }

    #[test]
    fn theil_sen_ignores_an_outlier() {
        let t: Vec<f64> = (0..20).map(f64::from).collect();
        let mut v: Vec<f64> = t.iter().map(|x| 2.0 * x + 1.0).collect();
        v[7] = 1000.0;
        let (slope, lo, hi) = theil_sen(&t, &v).unwrap();
        assert_eq!(slope, 2.0);
        assert!(lo <= 2.0 && hi >= 2.0);
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), Some(2.5));
    }
}
