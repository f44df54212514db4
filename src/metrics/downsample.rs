//! Largest-Triangle-Three-Buckets downsampling (Steinarsson, 2013): keeps the first and last points and, in
//! each of `threshold - 2` buckets, the point forming the largest triangle with the point kept before it and
//! the next bucket's average. It keeps a series' peaks and troughs (the GC sawtooth) where plain decimation
//! would lose them. O(n).

/// Indices of the points to keep (sorted, at most `threshold`, all of them when `n <= threshold`).
pub fn lttb(t: &[f64], v: &[f64], threshold: usize) -> Vec<usize> {
    let n = t.len().min(v.len());
    if threshold >= n || threshold < 3 {
        return (0..n).collect();
    }
    let bucket_size = (n - 2) as f64 / (threshold - 2) as f64;
    let mut kept = Vec::with_capacity(threshold);
    kept.push(0);
    let mut a = 0usize;
    for bucket in 0..threshold - 2 {
        let start = (bucket as f64 * bucket_size) as usize + 1;
        let end = (((bucket + 1) as f64 * bucket_size) as usize + 1).min(n - 1);
        let next_start = end;
        let next_end = (((bucket + 2) as f64 * bucket_size) as usize + 1).min(n);
        let span = (next_end - next_start).max(1) as f64;
        let (mut avg_t, mut avg_v) = (0.0, 0.0);
        for i in next_start..next_end.max(next_start + 1).min(n) {
            avg_t += t[i];
            avg_v += v[i];
        }
        avg_t /= span;
        avg_v /= span;
        let mut best = start;
        let mut best_area = -1.0;
        for i in start..end.max(start + 1).min(n - 1) {
            let area = ((t[a] - avg_t) * (v[i] - v[a]) - (t[a] - t[i]) * (avg_v - v[a])).abs();
            if area > best_area {
                best_area = area;
                best = i;
            }
        }
        kept.push(best);
        a = best;
    }
    kept.push(n - 1);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_ends_and_the_spike() {
        let t: Vec<f64> = (0..1000).map(f64::from).collect();
        let mut v = vec![0.0; 1000];
        v[500] = 100.0;
        let kept = lttb(&t, &v, 50);
        assert_eq!(kept.len(), 50);
        assert_eq!((kept[0], kept[49]), (0, 999));
        assert!(kept.contains(&500));
        assert!(kept.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(lttb(&t[..10], &v[..10], 50).len(), 10);
    }
}
