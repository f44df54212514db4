//! heapscope's verdict against the rule of thumb "the mean of the last 10 samples is 10% above the mean of
//! the 10 before" on synthetic heap series (a sample every 10 s, deterministic noise). The rule is wrong in
//! each case and heapscope is right.
//!
//! | case                              | truth  | naive rule | heapscope |
//! |-----------------------------------|--------|------------|-----------|
//! | sawtooth, no leak                 | stable | leak       | stable    |
//! | slow leak under the sawtooth      | leak   | no leak    | leak      |
//! | step change near the end          | stable | leak       | stable    |
//! | noisy flat, busy last 100 s       | stable | leak       | stable    |
//! | linear leak, no GC drops          | leak   | no leak    | leak      |
//!
//! The step case: a one-time jump (a cache filled, a deploy) 15 samples before the end that then holds;
//! the floor's robust slope does not follow one jump. A jump in mid-series is a level shift, also stable.

use heapscope::metrics::trend::{analyze_series, TrendOptions, Verdict};
use heapscope::metrics::{Role, Series, TimeBase, Unit};

const MB: f64 = 1024.0 * 1024.0;
const STEP_MS: f64 = 10_000.0;

/// A small deterministic generator (xorshift64*) of uniform noise in [-1, 1].
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11;
        x as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    }
}

fn heap_series(values: Vec<f64>) -> Series {
    let mut s = Series::new("heapUsed", Vec::new(), Unit::Bytes, TimeBase::Epoch);
    s.role = Some(Role::HeapUsed);
    for (i, v) in values.into_iter().enumerate() {
        s.push(1.7e12 + i as f64 * STEP_MS, v);
    }
    s
}

/// The rule of thumb: leak when mean(last 10) ≥ 1.1 × mean(10 before).
fn naive_says_leak(values: &[f64]) -> bool {
    let n = values.len();
    let mean = |s: &[f64]| s.iter().sum::<f64>() / s.len() as f64;
    mean(&values[n - 10..]) >= 1.1 * mean(&values[n - 20..n - 10])
}

/// A heap that climbs `tooth` MB over `period` samples and drops back to the floor at each major GC; the
/// floor moves by `floor_growth` MB over the whole series.
fn sawtooth(n: usize, period: usize, tooth: f64, floor_growth: f64, noise: &mut Noise) -> Vec<f64> {
    (0..n)
        .map(|i| {
            let floor = 50.0 + floor_growth * i as f64 / n as f64;
            let phase = (i % period) as f64 / period as f64;
            (floor + tooth * phase + 0.3 * noise.next()) * MB
        })
        .collect()
}

fn verdict(values: Vec<f64>) -> Verdict {
    analyze_series(&heap_series(values), &[], None, &TrendOptions::default()).verdict
}

fn check(case: &str, values: Vec<f64>, naive_leak: bool, expected: Verdict) {
    assert_eq!(naive_says_leak(&values), naive_leak, "{case}: the naive rule");
    assert_eq!(verdict(values), expected, "{case}: heapscope");
}

#[test]
fn sawtooth_without_leak() {
    // 300 samples, teeth of 40 samples: the series ends two thirds up a tooth.
    let values = sawtooth(300, 40, 30.0, 0.0, &mut Noise(1));
    check("sawtooth, no leak", values, true, Verdict::Stable);
}

#[test]
fn slow_leak_under_the_sawtooth() {
    // The floor grows 15 MB (30%); the last 10 samples come right after a major GC.
    let values = sawtooth(325, 40, 30.0, 15.0, &mut Noise(2));
    check("slow leak under the sawtooth", values, false, Verdict::Leak);
}

#[test]
fn step_change_near_the_end() {
    let mut noise = Noise(3);
    let values: Vec<f64> =
        (0..300).map(|i| (if i < 285 { 50.0 } else { 65.0 } + 0.8 * noise.next()) * MB).collect();
    check("step change near the end", values, true, Verdict::Stable);
}

#[test]
fn step_change_in_mid_series_is_a_level_shift() {
    let mut noise = Noise(4);
    let values: Vec<f64> =
        (0..300).map(|i| (if i < 150 { 50.0 } else { 65.0 } + 0.8 * noise.next()) * MB).collect();
    let trend = analyze_series(&heap_series(values.clone()), &[], None, &TrendOptions::default());
    assert_eq!(trend.verdict, Verdict::Stable, "{}", trend.reason);
    assert!(trend.reason.starts_with("one level shift"), "{}", trend.reason);
    assert!(!naive_says_leak(&values));
}

#[test]
fn noisy_flat_with_a_busy_end() {
    let mut noise = Noise(5);
    let values: Vec<f64> = (0..300)
        .map(|i| {
            let busy = if i >= 290 { 6.0 } else { 0.0 };
            (50.0 + busy + 3.0 * noise.next()) * MB
        })
        .collect();
    check("noisy flat, busy last 100 s", values, true, Verdict::Stable);
}

#[test]
fn linear_leak_without_gc_drops() {
    let mut noise = Noise(6);
    let values: Vec<f64> = (0..300).map(|i| (50.0 + 0.2 * i as f64 + 0.5 * noise.next()) * MB).collect();
    // +0.2 MB per sample is +2% between the two means: the rule misses a leak that doubles the heap.
    check("linear leak, no GC drops", values, false, Verdict::Leak);
}

#[test]
fn short_series_are_insufficient() {
    let values: Vec<f64> = (0..6).map(|i| (50.0 + i as f64) * MB).collect();
    assert_eq!(verdict(values), Verdict::InsufficientData);
    // Two GC cycles after the first major GC: one rise of the floor is growth, but it cannot tell a step
    // from a leak.
    let values = sawtooth(120, 40, 30.0, 20.0, &mut Noise(7));
    let trend = analyze_series(&heap_series(values), &[], None, &TrendOptions::default());
    assert_eq!(trend.verdict, Verdict::Growing, "{}", trend.reason);
    assert!(trend.reason.contains("one rise cannot tell a step from a leak"), "{}", trend.reason);
    // One GC cycle is too few.
    let values = sawtooth(70, 40, 30.0, 20.0, &mut Noise(7));
    assert_eq!(verdict(values), Verdict::InsufficientData);
}

#[test]
fn time_to_limit_follows_the_floor() {
    // Floor grows 60 MB per 3000 s of samples = 72 MB/h from 50 MB; the limit is 122 MB above the end.
    let values = sawtooth(300, 30, 20.0, 60.0, &mut Noise(8));
    let limit = 232.0 * MB;
    let trend = analyze_series(&heap_series(values), &[], Some(limit), &TrendOptions::default());
    assert_eq!(trend.verdict, Verdict::Leak);
    let slope_mb_per_h = trend.slope_bytes_per_hour.unwrap() / MB;
    assert!((slope_mb_per_h - 72.0).abs() < 4.0, "{slope_mb_per_h}");
    let [lo, hi] = trend.slope_ci_bytes_per_hour.unwrap();
    assert!(lo <= trend.slope_bytes_per_hour.unwrap() && trend.slope_bytes_per_hour.unwrap() <= hi);
    let hours = trend.time_to_limit_s.unwrap() / 3600.0;
    assert!((hours - (limit / MB - 110.0) / 72.0).abs() < 0.2, "{hours}");
}

/// A sawtooth of `cycles` cycles whose lowest samples sit up to `late` MB above the floor (the heap after
/// each major GC varies, or its first sample comes a random while after it), with a floor growing
/// `floor_growth` MB over the series.
fn late_sampled_sawtooth(cycles: usize, floor_growth: f64, late: f64, noise: &mut Noise) -> Vec<f64> {
    late_sampled(cycles, |x| floor_growth * x, late, noise)
}

/// The same with the floor 50 MB + `growth(x)` at the fraction `x` of the series.
fn late_sampled(cycles: usize, growth: impl Fn(f64) -> f64, late: f64, noise: &mut Noise) -> Vec<f64> {
    let period = 30;
    let n = cycles * period;
    let offsets: Vec<f64> = (0..cycles).map(|_| late * (noise.next() + 1.0) / 2.0).collect();
    (0..n)
        .map(|i| {
            let floor = 50.0 + growth(i as f64 / n as f64);
            (floor + offsets[i / period] + 30.0 * (i % period) as f64 / period as f64) * MB
        })
        .collect()
}

#[test]
fn slow_leak_whose_cycle_lows_are_noisier_than_each_cycle_s_growth() {
    // The floor grows 1.25 MB a cycle, each cycle's low is up to 4 MB late, far more than the 1 MB the heap
    // climbs between samples: no single rise stands out of the noise. Over 8 cycles the lows scatter as
    // widely as the leak has grown, so the noise could hide it: not stable, but too coarse to tell. Over 24
    // the lowest point of each third of the run rises beyond what the noise explains: a leak.
    for seed in [11, 12, 13] {
        let analyse = |cycles: usize, growth: f64| {
            let values = late_sampled_sawtooth(cycles, growth, 4.0, &mut Noise(seed));
            analyze_series(&heap_series(values), &[], None, &TrendOptions::default())
        };
        let short = analyse(8, 10.0);
        assert_ne!(short.verdict, Verdict::Stable, "seed {seed}: {}", short.reason);
        let long = analyse(24, 30.0);
        assert_eq!(long.verdict, Verdict::Leak, "seed {seed}: {}", long.reason);
        assert!(long.reason.contains("every third of the run"), "seed {seed}: {}", long.reason);
        // The same cycles without the leak are not one.
        for cycles in [8, 24] {
            let flat = analyse(cycles, 0.0);
            assert_ne!(flat.verdict, Verdict::Leak, "seed {seed}: {}", flat.reason);
        }
    }
}

#[test]
fn a_sawing_heap_sampled_too_coarsely_for_its_drops_is_insufficient() {
    // 17 samples, 15 s apart, of a heap whose major GCs come every ~40 s: aliased, no drop stands out.
    let mut noise = Noise(14);
    let values: Vec<f64> = (0..17).map(|_| (50.0 + 15.0 * (noise.next() + 1.0)) * MB).collect();
    let trend = analyze_series(&heap_series(values), &[], None, &TrendOptions::default());
    assert_eq!(trend.verdict, Verdict::InsufficientData, "{}", trend.reason);
    assert!(trend.reason.contains("sawtooth"), "{}", trend.reason);
}

#[test]
fn a_cache_that_filled_then_held_is_not_a_leak_when_the_last_lows_come_late() {
    // 8 cycles of 30 samples; the floor rises 15 MB over the first 40% of the run, then holds at 65 MB.
    // Each cycle's low comes late by the given MB: the last third's lowest point is 1.9 MB above the middle
    // one's, a fifth of the rise before it: a cache that stopped, not a leak.
    let late = [0.0, 0.5, 0.2, 0.0, 0.3, 1.0, 1.2, 1.0];
    let values: Vec<f64> = (0..240)
        .map(|i| {
            let floor = 50.0 + 15.0 * (i as f64 / 96.0).min(1.0);
            (floor + late[i / 30] + 30.0 * (i % 30) as f64 / 30.0) * MB
        })
        .collect();
    let trend = analyze_series(&heap_series(values), &[], None, &TrendOptions::default());
    assert_ne!(trend.verdict, Verdict::Leak, "{}", trend.reason);
}
