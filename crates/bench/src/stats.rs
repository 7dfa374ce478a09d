//! Percentiles of one run and min/median/max over repetitions.

/// The value at quantile `q` (0..=1) of sorted values (nearest rank); 0 when empty.
pub fn percentile(sorted: &[u32], q: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Latency figures of one run, in microseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Latency {
    /// Median.
    pub p50: u32,
    /// 99th percentile.
    pub p99: u32,
    /// Slowest.
    pub max: u32,
}

impl Latency {
    /// From unsorted microsecond values.
    pub fn of(mut micros: Vec<u32>) -> Self {
        micros.sort_unstable();
        Self {
            p50: percentile(&micros, 0.50),
            p99: percentile(&micros, 0.99),
            max: micros.last().copied().unwrap_or(0),
        }
    }
}

/// Minimum, median and maximum of the repetitions of one figure.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Spread {
    /// Smallest.
    pub min: f64,
    /// Median (mean of the middle two for an even count).
    pub median: f64,
    /// Largest.
    pub max: f64,
}

impl Spread {
    /// Over `values` (empty: all zero).
    pub fn of(values: &[f64]) -> Self {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return Self::default();
        }
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        Self {
            min: v[0],
            median,
            max: v[n - 1],
        }
    }

    /// `median (min–max)` with `decimals` digits; just the value when all repetitions agree
    /// (or there was one).
    pub fn show(&self, decimals: usize) -> String {
        if self.min == self.max {
            return format!("{:.d$}", self.median, d = decimals);
        }
        format!(
            "{:.d$} ({:.d$}–{:.d$})",
            self.median,
            self.min,
            self.max,
            d = decimals
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&v, 0.5), 50);
        assert_eq!(percentile(&v, 0.99), 99);
        assert_eq!(percentile(&v, 1.0), 100);
        assert_eq!(percentile(&[], 0.5), 0);
        assert_eq!(percentile(&[7], 0.99), 7);
        let l = Latency::of(vec![5, 1, 3]);
        assert_eq!((l.p50, l.p99, l.max), (3, 5, 5));
    }

    #[test]
    fn spread_of_repetitions() {
        let s = Spread::of(&[3.0, 1.0, 2.0]);
        assert_eq!((s.min, s.median, s.max), (1.0, 2.0, 3.0));
        assert_eq!(Spread::of(&[1.0, 2.0, 4.0, 8.0]).median, 3.0);
        assert_eq!(Spread::of(&[]), Spread::default());
        assert_eq!(s.show(1), "2.0 (1.0–3.0)");
        assert_eq!(Spread::of(&[4.0]).show(0), "4");
    }
}
