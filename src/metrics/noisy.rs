//! Tests on noisy floors: floor points that each sit above the true floor by an unknown amount between 0
//! and a known width (a sample taken up to one sample interval after the GC, while the heap refilled).
//!
//! A floor point is never below the true post-GC level, and how far above it sits is, for a sample taken
//! at a random moment after the GC, about uniform between 0 and the width (what the heap gains in one
//! sample interval). So the lowest of `k` points of a stretch of the run is within `w·(1 − α^(1/k))` of that
//! stretch's floor at confidence `1 − α`, and under a flat floor the lowest of a later stretch exceeds the
//! lowest of an earlier one by `d` with probability at most `(1 − d/w)^k`. These bounds let a verdict say
//! how much growth a noisy floor shows, and how much it could hide, rather than compare noisy points with
//! a fixed margin. The width is the caller's (a sample interval's allocation), raised to the points' own
//! scatter when they spread wider, so that an underestimated noise cannot make a verdict confident.

/// The lowest value and the number of points in each third of the points' span.
pub fn thirds(points: &[(f64, f64)]) -> Option<[(f64, usize); 3]> {
    let (first, last) = (points.first()?.0, points.last()?.0);
    let third = (last - first) / 3.0;
    if third <= 0.0 {
        return None;
    }
    let mut out = [(f64::INFINITY, 0); 3];
    for &(t, v) in points {
        let k = (((t - first) / third) as usize).min(2);
        out[k] = (out[k].0.min(v), out[k].1 + 1);
    }
    out.iter().all(|o| o.1 > 0).then_some(out)
}

/// How widely the points scatter above the lowest of their third: twice the median height of the others
/// above it, which for points spread evenly up to a width is about that width (one far outlier does not
/// count, and a step or a plateau between thirds does not widen it).
pub fn scatter(points: &[(f64, f64)], lows: [f64; 3]) -> f64 {
    let (first, last) = (points[0].0, points[points.len() - 1].0);
    let third = ((last - first) / 3.0).max(f64::MIN_POSITIVE);
    let mut heights: Vec<f64> =
        points.iter().map(|&(t, v)| v - lows[(((t - first) / third) as usize).min(2)]).collect();
    // Each third's lowest point is its own reference, not a height.
    for _ in 0..3 {
        if let Some(k) = heights.iter().position(|h| *h == 0.0) {
            heights.swap_remove(k);
        }
    }
    2.0 * super::stats::quantile(&heights, 0.5).unwrap_or(0.0)
}

/// How far the lowest of `k` points may sit above the true floor, at confidence `1 − alpha`.
fn lowest_excess(width: f64, k: usize, alpha: f64) -> f64 {
    width * (1.0 - alpha.powf(1.0 / k.max(1) as f64))
}

/// The chance, under a flat floor, that the lowest of `k` later points exceeds an earlier lowest by `rise`
/// or more (an upper bound: the earlier lowest is itself above the floor).
fn rise_p(rise: f64, width: f64, k: usize) -> f64 {
    if rise <= 0.0 {
        return 1.0;
    }
    if width <= 0.0 || rise >= width {
        return 0.0;
    }
    (1.0 - rise / width).powi(k.min(i32::MAX as usize) as i32)
}

/// A rise from each third of the run to the next: each third's lowest above the one before, and the last
/// rise at a quarter of the first at least (a floor that slowed down more than that filled up). With a
/// `width` (points anywhere up to it above the floor), the last third's lowest must be above the first's
/// and the middle one's beyond chance (`rise_p` at most `alpha`: a plateau or a step does not rise into
/// the last third), and the middle one above the first by more than what a lowest may sit above its floor
/// at even odds. Without one (points that often sit on the floor itself, as the old generation's: it grows in
/// steps, at the scavenges that promote, so a sample after a major GC often precedes the first of them),
/// each rise must beat 1% of the level. Returns the three lowest values.
pub fn rises_every_third(points: &[(f64, f64)], width: Option<f64>, alpha: f64) -> Option<[f64; 3]> {
    let [(a, ka), (b, _), (c, kc)] = thirds(points)?;
    let (significant, beyond) = match width {
        Some(w) => {
            (rise_p(c - a, w, kc) <= alpha && rise_p(c - b, w, kc) <= alpha, lowest_excess(w, ka, 0.5))
        }
        None => (c - b > 0.01 * a.abs(), 0.01 * a.abs()),
    };
    let rising = b - a > beyond && c > b;
    let still_rising = c - b >= 0.25 * (b - a);
    (significant && rising && still_rising).then_some([a, b, c])
}

/// One level shift: the largest step of the points' lower envelope from the future (each point lowered to
/// the lowest after it), with at least three points on each side and each side over a fifth of the span,
/// where the lowest after rose beyond chance over the lowest before, by three quarters of the floor's
/// `total` growth at least, while on each side the lowest of its second half rose less than a quarter of
/// that jump in all over the lowest of its first half (flat before, flat after). Returns the times of the
/// points either side of the split and the jump.
fn level_shift(points: &[(f64, f64)], total: f64, width: f64, alpha: f64) -> Option<(f64, f64, f64)> {
    let n = points.len();
    if n < 6 {
        return None;
    }
    let span = points[n - 1].0 - points[0].0;
    let lowest = |s: &[(f64, f64)]| s.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let inner_rise = |s: &[(f64, f64)]| {
        let half = s.len() / 2;
        (lowest(&s[half..]) - lowest(&s[..half])).max(0.0)
    };
    let k = (3..=n - 3)
        .filter(|&k| {
            points[k - 1].0 - points[0].0 >= 0.2 * span && points[n - 1].0 - points[k].0 >= 0.2 * span
        })
        .max_by(|&a, &b| {
            let step = |k: usize| lowest(&points[k..]) - lowest(&points[k - 1..]);
            step(a).total_cmp(&step(b))
        })?;
    let jump = lowest(&points[k..]) - lowest(&points[..k]);
    let flat_sides = inner_rise(&points[..k]) + inner_rise(&points[k..]) < 0.25 * jump;
    let shifted = rise_p(jump, width, n - k) <= alpha && jump >= 0.75 * total && flat_sides;
    shifted.then_some((points[k - 1].0, points[k].0, jump))
}

/// What a noisy floor of five points or more shows, by the bounds above.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reading {
    /// Rose from each third of the run to the next beyond chance ([`rises_every_third`]): the three lowest.
    Leak([f64; 3]),
    /// Flat before and after one shift ([`level_shift`]): a step, or a leak that started then.
    Shift { at: f64, rise: f64 },
    /// Rose into the middle third, then no further beyond chance, and the last third is not above the middle
    /// one or could hide no material growth: a plateau. `held_from` is the time of the middle third's lowest
    /// point.
    Plateau { held_from: f64 },
    /// Rose beyond chance, but not in every third.
    Rising,
    /// No material rise, and at most `bound` hidden by the noise, under a material growth; or no rise at all
    /// (`bound` may then be more).
    Flat { bound: f64 },
    /// No rise beyond chance, but the noise could hide up to `bound`, a material growth.
    TooNoisy { bound: f64 },
}

/// Reads a noisy floor: its growth is the rise of the lowest point from the first third of the run to the
/// last (nothing after the last points corrects them, as a later low corrects an earlier one). `material`
/// is the smallest growth that counts; `flat(level)` the most growth a `stable` floor at that level may
/// hide. `None` under five points or with a third without any.
pub fn read(
    points: &[(f64, f64)],
    width: f64,
    alpha: f64,
    material: f64,
    flat: impl Fn(f64) -> f64,
) -> Option<Reading> {
    let [(a, ka), (b, kb), (c, kc)] = thirds(points).filter(|_| points.len() >= 5)?;
    let rise = c - a;
    // When the points scatter wider than the width above their thirds' lowest (lows that vary more than
    // one sample interval's allocation: the heap after each GC itself varying), the width was
    // underestimated and that scatter is the width, so that it cannot make a verdict confident.
    let wide = width.max(scatter(points, [a, b, c]));
    let bound = rise + lowest_excess(wide, ka, alpha);
    if rise < material {
        // Lows that did not rise at all show no growth, whatever the noise could hide (the sentence says how
        // much).
        let flat = bound < flat(a) || rise <= 0.0;
        return Some(if flat { Reading::Flat { bound } } else { Reading::TooNoisy { bound } });
    }
    let shift = level_shift(points, rise, wide, alpha);
    if let Some((_, at, rise)) = shift {
        return Some(Reading::Shift { at, rise });
    }
    if let Some(lows) = rises_every_third(points, Some(wide), alpha) {
        return Some(Reading::Leak(lows));
    }
    let held_from = points.iter().find(|p| p.1 == b).map_or(points[0].0, |p| p.0);
    // A last third within chance of the middle one that is not above it at all, or that could hide under a
    // material growth: the floor held.
    let held = c <= b || c - b + lowest_excess(wide, kb, alpha) < flat(b);
    if rise_p(c - b, wide, kc) > alpha && held {
        return Some(Reading::Plateau { held_from });
    }
    Some(if rise_p(rise, width, kc) <= alpha { Reading::Rising } else { Reading::TooNoisy { bound } })
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Points every 10 s on `floor(t)` plus a repeating pattern of noise in [0, 4) (also `shape`'s tests).
    pub fn noisy(n: usize, floor: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
        let noise = [0.3, 3.1, 1.7, 0.1, 2.4, 3.8, 0.9, 2.0, 0.5, 3.3];
        (0..n).map(|i| (i as f64 * 10.0, floor(i as f64 * 10.0) + noise[i % noise.len()])).collect()
    }

    #[test]
    fn a_flat_noisy_floor_bounds_its_growth_and_does_not_rise() {
        let points = noisy(24, |_| 20.0);
        assert!(rises_every_third(&points, Some(4.0), 0.05).is_none());
        let Some(Reading::Flat { bound }) = read(&points, 4.0, 0.05, 1.0, |_| 2.0) else { panic!() };
        assert!(bound > 0.0 && bound < 2.0, "{bound}");
        assert!(level_shift(&points, 6.0, 4.0, 0.05).is_none());
    }

    #[test]
    fn a_leak_beyond_the_noise_rises_every_third() {
        let points = noisy(24, |t| 20.0 + 0.04 * t);
        assert!(rises_every_third(&points, Some(4.0), 0.05).is_some());
        assert!(rises_every_third(&noisy(24, |_| 20.0), None, 0.05).is_none());
        assert!(level_shift(&points, 6.0, 4.0, 0.05).is_none(), "a steady climb is not one shift");
    }

    #[test]
    fn a_step_is_one_level_shift() {
        let points = noisy(24, |t| if t < 120.0 { 20.0 } else { 26.0 });
        let (before, at, jump) = level_shift(&points, 6.0, 4.0, 0.05).unwrap();
        assert_eq!((before, at), (110.0, 120.0));
        assert!((jump - 5.8).abs() < 0.5, "{jump}");
    }

    #[test]
    fn a_reading_names_a_leak_a_plateau_and_a_flat_floor() {
        let leak = noisy(30, |t| 20.0 + 0.04 * t);
        assert!(matches!(read(&leak, 4.0, 0.05, 1.0, |_| 2.0), Some(Reading::Leak(_))));
        let plateau = noisy(30, |t| 20.0 + 6.0 * (t / 100.0).min(1.0));
        assert!(matches!(read(&plateau, 4.0, 0.05, 1.0, |_| 2.0), Some(Reading::Plateau { .. })));
        let flat = noisy(30, |_| 20.0);
        assert!(matches!(read(&flat, 4.0, 0.05, 1.0, |_| 2.0), Some(Reading::Flat { .. })));
        assert!(matches!(read(&flat[..9], 4.0, 0.05, 1.0, |_| 2.0), Some(Reading::TooNoisy { .. })));
        assert_eq!(read(&flat[..4], 4.0, 0.05, 1.0, |_| 2.0), None);
    }

    #[test]
    fn the_chance_of_a_rise_falls_with_its_size_and_the_points() {
        assert_eq!(rise_p(-1.0, 4.0, 5), 1.0);
        assert_eq!(rise_p(5.0, 4.0, 5), 0.0);
        assert!(rise_p(1.0, 4.0, 10) < rise_p(1.0, 4.0, 3));
        assert!((lowest_excess(4.0, 1, 0.05) - 3.8).abs() < 1e-9);
    }
}
