//! Which shape a noisy floor has: flat, a straight climb, one step, or a climb that stops (a plateau).
//!
//! A leak keeps the floor climbing at about one rate; a step moves it once; a cache that fills raises it,
//! then holds it. When each floor point sits a sample interval's allocation above the true floor, these
//! shapes cannot be told apart point by point, but a least-squares fit of each to all the points can: the
//! shape whose fit leaves the least unexplained scatter, once penalised for its extra parameters (the
//! Bayesian information criterion, `n·ln(RSS/n) + p·ln n`), is the one the points support. A floor is a
//! steady climb when the straight line beats the three others by [`MIN_EVIDENCE`] and its slope stands [`MIN_SLOPE_T`]
//! standard errors above zero. This pools the evidence of every point, where the thirds' lowest points of
//! [`super::noisy`] use three, and it asks the alternatives (a step, a plateau) to be worse fits rather than
//! to be undetectable.

/// How many standard errors above zero a climb's slope must stand (one-sided, about a 2% chance for a
/// flat floor with normal scatter over ten points).
pub const MIN_SLOPE_T: f64 = 2.5;
/// How much lower the line's information criterion must be than each other shape's: 2 is "positive
/// evidence" on Kass and Raftery's scale. Without this margin, about 6% of plateaus filled by half the run
/// under noise as wide as their rise pass for a climb from ten points; with it, 3% from eight points and
/// about 1% from twelve or more (see the tests).
const MIN_EVIDENCE: f64 = 2.0;
/// Fewest points a shape is judged from: a step and a plateau need two on each side.
const MIN_POINTS: usize = 8;

/// A straight climb that fits the floor better than a flat floor, a step or a plateau.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SteadyClimb {
    /// Units per millisecond (the points' time unit).
    pub slope: f64,
    /// The slope over its standard error.
    pub t: f64,
}

/// The shape a floor's points support.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    /// A straight line fits better than the others, and climbs beyond chance.
    Climb(SteadyClimb),
    /// One step fits better than a straight line.
    Step,
    /// A climb that stops fits better than a straight line.
    Plateau,
    /// No shape stands out (or a line that does not climb beyond chance).
    Unclear,
}

/// The points as columns with their straight line: `None` under [`MIN_POINTS`] or when they share one time.
struct Fit {
    t: Vec<f64>,
    v: Vec<f64>,
    slope: f64,
    rss: f64,
    standard_error: f64,
}

fn fit(points: &[(f64, f64)]) -> Option<Fit> {
    let n = points.len();
    if n < MIN_POINTS {
        return None;
    }
    let t: Vec<f64> = points.iter().map(|p| p.0).collect();
    let v: Vec<f64> = points.iter().map(|p| p.1).collect();
    let (slope, rss, sxx) = line(&t, &v);
    if sxx <= 0.0 {
        return None;
    }
    let standard_error = (rss / (n - 2) as f64).sqrt() / sxx.sqrt();
    Some(Fit { t, v, slope, rss, standard_error })
}

/// Least squares of `v` on `x`: slope, residual sum of squares, and `x`'s sum of squared deviations.
fn line(x: &[f64], v: &[f64]) -> (f64, f64, f64) {
    let n = x.len() as f64;
    let (mx, mv) = (x.iter().sum::<f64>() / n, v.iter().sum::<f64>() / n);
    let sxx: f64 = x.iter().map(|x| (x - mx).powi(2)).sum();
    let slope =
        if sxx > 0.0 { x.iter().zip(v).map(|(x, v)| (x - mx) * (v - mv)).sum::<f64>() / sxx } else { 0.0 };
    let intercept = mv - slope * mx;
    let rss = x.iter().zip(v).map(|(x, v)| (v - intercept - slope * x).powi(2)).sum();
    (slope, rss, sxx)
}

/// Residual sum of squares around the mean.
fn spread(v: &[f64]) -> f64 {
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    v.iter().map(|v| (v - mean).powi(2)).sum()
}

fn bic(rss: f64, n: usize, parameters: usize) -> f64 {
    let n = n as f64;
    n * (rss.max(f64::MIN_POSITIVE) / n).ln() + parameters as f64 * n.ln()
}

/// The shape of a floor's points (time, value), from [`MIN_POINTS`] on.
pub fn shape(points: &[(f64, f64)]) -> Shape {
    let Some(Fit { t, v, slope, rss: linear_rss, standard_error }) = fit(points) else {
        return Shape::Unclear;
    };
    let n = points.len();
    // A step: two levels, split anywhere with two points a side (levels and split: three parameters).
    let step_rss = (2..=n - 2).map(|k| spread(&v[..k]) + spread(&v[k..])).fold(f64::INFINITY, f64::min);
    // A plateau: a climb until some point's time, flat after it (start, rate and the time it stops).
    let plateau_rss = (2..=n - 2)
        .filter_map(|k| {
            let stopped: Vec<f64> = t.iter().map(|&x| x.min(t[k])).collect();
            let (rate, rss, _) = line(&stopped, &v);
            (rate > 0.0).then_some(rss)
        })
        .fold(f64::INFINITY, f64::min);
    let linear = bic(linear_rss, n, 2);
    let (flat, step, plateau) = (bic(spread(&v), n, 1), bic(step_rss, n, 3), bic(plateau_rss, n, 3));
    if step.min(plateau) <= linear - MIN_EVIDENCE {
        return if step <= plateau { Shape::Step } else { Shape::Plateau };
    }
    if slope <= 0.0 || [flat, step, plateau].iter().any(|&other| other - linear < MIN_EVIDENCE) {
        return Shape::Unclear;
    }
    let t_stat = if standard_error > 0.0 { slope / standard_error } else { f64::INFINITY };
    if t_stat >= MIN_SLOPE_T {
        Shape::Climb(SteadyClimb { slope, t: t_stat })
    } else {
        Shape::Unclear
    }
}

/// The most a floor of [`MIN_POINTS`] or more may have grown over its points' span, by the straight line
/// through them: its slope plus two standard errors (about 97% one-sided), times the span; `None` for
/// fewer points.
pub fn most_growth(points: &[(f64, f64)]) -> Option<f64> {
    let Fit { t, slope, standard_error, .. } = fit(points)?;
    Some(((slope + 2.0 * standard_error) * (t[t.len() - 1] - t[0])).max(0.0))
}

/// The floor's steady climb, when a straight line is its best shape and climbs beyond chance.
pub fn steady_climb(points: &[(f64, f64)]) -> Option<SteadyClimb> {
    match shape(points) {
        Shape::Climb(climb) => Some(climb),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::noisy::tests::noisy;

    #[test]
    fn a_steady_climb_beats_a_step_a_plateau_and_a_flat_floor() {
        let climb = steady_climb(&noisy(20, |t| 20.0 + 0.05 * t)).expect("a climb of 10 in 190 s");
        assert!((climb.slope - 0.05).abs() < 0.02, "{climb:?}");
        assert!(climb.t >= MIN_SLOPE_T);
    }

    #[test]
    fn a_step_a_plateau_and_a_flat_floor_are_not_climbs() {
        assert_eq!(shape(&noisy(20, |t| if t < 80.0 { 20.0 } else { 28.0 })), Shape::Step);
        assert_eq!(shape(&noisy(20, |t| 20.0 + 0.2 * t.min(60.0))), Shape::Plateau);
        assert_eq!(shape(&noisy(20, |_| 20.0)), Shape::Unclear, "flat");
        assert_eq!(shape(&noisy(7, |t| 20.0 + t)), Shape::Unclear, "too few points");
    }

    #[test]
    fn a_climb_within_the_scatter_is_not_steady() {
        // 1 over 190 s under noise of 4: the line is not 2.5 standard errors above flat.
        assert_eq!(steady_climb(&noisy(20, |t| 20.0 + t / 190.0)), None);
    }

    #[test]
    fn the_most_growth_of_a_flat_floor_is_bounded_by_its_scatter() {
        let flat = most_growth(&noisy(30, |_| 20.0)).unwrap();
        assert!(flat > 0.0 && flat < 2.0, "{flat}");
        let climb = most_growth(&noisy(30, |t| 20.0 + 0.05 * t)).unwrap();
        assert!(climb > 0.05 * 290.0, "at least the climb itself: {climb}");
        assert_eq!(most_growth(&noisy(7, |_| 20.0)), None);
    }

    /// Xorshift: the same pseudo-random floors on every run.
    struct Xorshift(u64);

    impl Xorshift {
        fn next(&mut self) -> f64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// How often 2,000 floors of `n` points at random times over 10 minutes, on `floor(x, a, rise)` (x from
    /// 0 to 1, `a` uniform in [0, 1), a rise from half to four times the noise) plus noise uniform in
    /// [0, 1), come out as a steady climb.
    fn climb_rate(n: usize, floor: impl Fn(f64, f64, f64) -> f64) -> f64 {
        let mut rng = Xorshift(0x9E37_79B9_7F4A_7C15);
        let total = 2000;
        let climbs = (0..total)
            .filter(|_| {
                let (a, rise) = (rng.next(), 0.5 + 3.5 * rng.next());
                let mut x: Vec<f64> = (0..n).map(|_| rng.next()).collect();
                x.sort_by(f64::total_cmp);
                let points: Vec<(f64, f64)> =
                    x.iter().map(|&x| (x * 600_000.0, 20.0 + floor(x, a, rise) + rng.next())).collect();
                steady_climb(&points).is_some()
            })
            .count();
        climbs as f64 / total as f64
    }

    #[test]
    fn plateaus_and_steps_under_noise_as_wide_as_their_rise_are_seldom_climbs() {
        // Caches that fill over the first fifth to half of the run, steps in that span.
        let plateau = |x: f64, a: f64, rise: f64| rise * (x / (0.2 + 0.3 * a)).min(1.0);
        let step = |x: f64, a: f64, rise: f64| if x >= 0.2 + 0.3 * a { rise } else { 0.0 };
        let leak = |x: f64, _: f64, rise: f64| rise * x;
        for n in [8, 12, 20, 40] {
            assert!(climb_rate(n, plateau) < 0.04, "plateaus of {n} points: {}", climb_rate(n, plateau));
            assert!(climb_rate(n, step) < 0.04, "steps of {n} points: {}", climb_rate(n, step));
            assert!(climb_rate(n, |_, _, _| 0.0) < 0.01, "flat floors of {n} points");
            assert!(climb_rate(n, leak) > 0.4, "leaks of {n} points: {}", climb_rate(n, leak));
        }
    }
}
