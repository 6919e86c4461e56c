//! Aggregation over repeats and questions: mean, standard error, pass@k, macro average.

use serde::Serialize;

/// Mean and spread of one metric over a sample.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Stat {
    /// Arithmetic mean (0 for an empty sample).
    pub mean: f64,
    /// Sample standard deviation (n - 1 denominator; 0 when n < 2).
    pub std: f64,
    /// Standard error of the mean, std / sqrt(n).
    pub std_error: f64,
    /// Sample size.
    pub n: usize,
}

impl Stat {
    /// Summarises a sample.
    pub fn of(xs: &[f64]) -> Stat {
        let n = xs.len();
        if n == 0 {
            return Stat {
                mean: 0.0,
                std: 0.0,
                std_error: 0.0,
                n,
            };
        }
        let mean = xs.iter().sum::<f64>() / n as f64;
        let std = if n < 2 {
            0.0
        } else {
            (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
        };
        Stat {
            mean,
            std,
            std_error: std / (n as f64).sqrt(),
            n,
        }
    }
}

/// The unbiased pass@k estimator (Chen et al. 2021): the chance that at least one of k
/// repeats drawn without replacement from n, of which c passed, passes:
/// 1 - C(n-c, k) / C(n, k). `None` when k > n.
pub fn pass_at_k(n: usize, c: usize, k: usize) -> Option<f64> {
    if k == 0 || k > n || c > n {
        return None;
    }
    if n - c < k {
        return Some(1.0);
    }
    // C(n-c,k)/C(n,k) = prod_{i=n-c+1}^{n} (1 - k/i), numerically stable.
    let fail: f64 = ((n - c + 1)..=n)
        .map(|i| 1.0 - k as f64 / i as f64)
        .product();
    Some(1.0 - fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn three_repeats_by_hand() {
        // Repeats 1, 0.5, 0: mean 0.5, sd = sqrt(((.5)^2 + 0 + (.5)^2) / 2) = 0.5,
        // stderr = 0.5 / sqrt(3).
        let s = Stat::of(&[1.0, 0.5, 0.0]);
        assert!(close(s.mean, 0.5));
        assert!(close(s.std, 0.5));
        assert!(close(s.std_error, 0.5 / 3f64.sqrt()));
        assert_eq!(Stat::of(&[0.7]).std_error, 0.0);
    }

    #[test]
    fn pass_at_k_by_hand() {
        // n = 3, c = 1: pass@1 = 1/3; pass@2 = 1 - C(2,2)/C(3,2) = 2/3; pass@3 = 1.
        assert!(close(pass_at_k(3, 1, 1).expect("k1"), 1.0 / 3.0));
        assert!(close(pass_at_k(3, 1, 2).expect("k2"), 2.0 / 3.0));
        assert!(close(pass_at_k(3, 1, 3).expect("k3"), 1.0));
        // n = 5, c = 2, k = 2: 1 - C(3,2)/C(5,2) = 1 - 3/10.
        assert!(close(pass_at_k(5, 2, 2).expect("5,2,2"), 0.7));
        assert_eq!(pass_at_k(3, 0, 2), Some(0.0));
        assert_eq!(pass_at_k(3, 3, 1), Some(1.0));
        assert_eq!(pass_at_k(2, 1, 3), None);
    }
}
