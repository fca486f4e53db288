//! The statistics of an experiment's results: a proportion's 95% interval (Wilson), a
//! mean's 95% interval (Student's t), and the sample-ratio-mismatch test (Pearson's
//! chi-square against the variants' weights). Pure and dependency-free.

use serde::Serialize;
use ts_rs::TS;

/// A 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// z for a two-sided 95% interval.
const Z_95: f64 = 1.959_963_984_540_054;

/// The Wilson score interval of `successes` out of `trials` (None without trials). Unlike
/// the normal approximation it stays within 0–1 and is sound for small groups.
pub fn wilson_interval(successes: u64, trials: u64) -> Option<Interval> {
    if trials == 0 {
        return None;
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let z2 = Z_95 * Z_95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z_95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // The interval holds p (it always does; with none or all of the trials, rounding
    // could leave its edge a hair past it).
    Some(Interval { low: (centre - half).clamp(0.0, p), high: (centre + half).clamp(p, 1.0) })
}

/// Mean, sample standard deviation and count of some values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub count: u64,
    pub mean: f64,
    pub sd: f64,
}

/// The mean and sample standard deviation (Welford's method); None for no values.
pub fn summarize(values: impl IntoIterator<Item = f64>) -> Option<Summary> {
    let (mut count, mut mean, mut m2) = (0u64, 0.0, 0.0);
    for x in values {
        count += 1;
        let delta = x - mean;
        mean += delta / count as f64;
        m2 += delta * (x - mean);
    }
    (count > 0).then(|| Summary { count, mean, sd: if count > 1 { (m2 / (count - 1) as f64).sqrt() } else { 0.0 } })
}

/// The 95% interval of a mean (None below two values: no spread to go on).
pub fn mean_interval(summary: &Summary) -> Option<Interval> {
    if summary.count < 2 {
        return None;
    }
    let half = t_975(summary.count - 1) * summary.sd / (summary.count as f64).sqrt();
    Some(Interval { low: summary.mean - half, high: summary.mean + half })
}

/// Student's t quantile at 0.975 for `df` degrees of freedom: the exact table to 30, then
/// the Cornish–Fisher expansion (error below 1e-4 from 30 on).
pub fn t_975(df: u64) -> f64 {
    const TABLE: [f64; 30] = [
        12.706_204_736,
        4.302_652_730,
        3.182_446_305,
        2.776_445_105,
        2.570_581_836,
        2.446_911_851,
        2.364_624_252,
        2.306_004_135,
        2.262_157_163,
        2.228_138_852,
        2.200_985_160,
        2.178_812_830,
        2.160_368_656,
        2.144_786_688,
        2.131_449_546,
        2.119_905_299,
        2.109_815_578,
        2.100_922_040,
        2.093_024_054,
        2.085_963_447,
        2.079_613_845,
        2.073_873_068,
        2.068_657_610,
        2.063_898_562,
        2.059_538_553,
        2.055_529_439,
        2.051_830_516,
        2.048_407_142,
        2.045_229_642,
        2.042_272_456,
    ];
    match df {
        0 => f64::INFINITY,
        1..=30 => TABLE[df as usize - 1],
        _ => {
            let (z, n) = (Z_95, df as f64);
            let z3 = z.powi(3);
            let z5 = z.powi(5);
            let z7 = z.powi(7);
            z + (z3 + z) / (4.0 * n)
                + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * n * n)
                + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * n * n * n)
        }
    }
}

/// The outcome of a sample-ratio-mismatch test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
pub struct SampleRatio {
    pub chi_square: f64,
    pub degrees_of_freedom: u32,
    /// The chance of a split at least this uneven if assignment follows the weights.
    pub p_value: f64,
    /// p below 0.001, the usual threshold: the assignment is likely broken, so the
    /// results should not be trusted.
    pub mismatch: bool,
}

/// The p-value under which a split is called a mismatch.
pub const MISMATCH_P: f64 = 0.001;

/// Pearson's chi-square of the observed counts against the weights' expected shares.
/// None with fewer than two variants, no workers, or a weight that is not positive.
pub fn sample_ratio_test(observed: &[u64], weights: &[f64]) -> Option<SampleRatio> {
    let total: u64 = observed.iter().sum();
    let weight_sum: f64 = weights.iter().sum();
    let weighed = weights.iter().all(|w| w.is_finite() && *w > 0.0);
    if observed.len() < 2 || observed.len() != weights.len() || total == 0 || !weighed || weight_sum <= 0.0 {
        return None;
    }
    let chi_square: f64 = observed
        .iter()
        .zip(weights)
        .map(|(o, w)| {
            let expected = total as f64 * w / weight_sum;
            (*o as f64 - expected).powi(2) / expected
        })
        .sum();
    let degrees_of_freedom = observed.len() as u32 - 1;
    let p_value = chi_square_survival(chi_square, degrees_of_freedom);
    Some(SampleRatio { chi_square, degrees_of_freedom, p_value, mismatch: p_value < MISMATCH_P })
}

/// P(X ≥ x) for X chi-square distributed with `df` degrees of freedom.
pub fn chi_square_survival(x: f64, df: u32) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    upper_regularized_gamma(f64::from(df) / 2.0, x / 2.0)
}

fn ln_gamma(x: f64) -> f64 {
    // Lanczos (g = 7, n = 9), accurate to about 1e-15 for x > 0.
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + 7.5;
    let sum = C[1..].iter().enumerate().fold(C[0], |acc, (i, c)| acc + c / (x + i as f64 + 1.0));
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// Q(a, x) = Γ(a, x) / Γ(a): the series below a + 1, the continued fraction above.
fn upper_regularized_gamma(a: f64, x: f64) -> f64 {
    let ln_prefix = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        let (mut term, mut sum, mut n) = (1.0 / a, 1.0 / a, a);
        for _ in 0..1_000 {
            n += 1.0;
            term *= x / n;
            sum += term;
            if term.abs() < sum.abs() * 1e-15 {
                break;
            }
        }
        (1.0 - sum * ln_prefix.exp()).clamp(0.0, 1.0)
    } else {
        // Lentz's method.
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..1_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let step = d * c;
            h *= step;
            if (step - 1.0).abs() < 1e-15 {
                break;
            }
        }
        (ln_prefix.exp() * h).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64, tolerance: f64) {
        assert!((actual - expected).abs() < tolerance, "{actual} is not {expected} ± {tolerance}");
    }

    #[test]
    fn a_wilson_interval_holds_its_proportion_even_after_rounding() {
        for trials in 1..=300 {
            for successes in 0..=trials {
                let interval = wilson_interval(successes, trials).unwrap();
                let p = successes as f64 / trials as f64;
                assert!(interval.low <= p && p <= interval.high, "{successes}/{trials}: {interval:?}");
            }
        }
    }

    #[test]
    fn wilson_intervals_match_published_values() {
        // Newcombe (1998), Statistics in Medicine 17: 81/263 → 0.2553–0.3662; 15/148 → 0.0624–0.1605.
        let i = wilson_interval(81, 263).unwrap();
        close(i.low, 0.2553, 1e-4);
        close(i.high, 0.3662, 1e-4);
        let i = wilson_interval(15, 148).unwrap();
        close(i.low, 0.0624, 1e-4);
        close(i.high, 0.1605, 1e-4);
        // None of ten: 0–0.2775; all of ten: 0.7225–1.
        let i = wilson_interval(0, 10).unwrap();
        close(i.low, 0.0, 1e-12);
        close(i.high, 0.2775, 1e-4);
        close(wilson_interval(10, 10).unwrap().low, 0.7225, 1e-4);
        assert_eq!(wilson_interval(0, 0), None);
    }

    #[test]
    fn mean_intervals_use_students_t() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sd 2.138090; t(7) = 2.364624; half-width 1.787488.
        let s = summarize([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
        close(s.mean, 5.0, 1e-12);
        close(s.sd, 2.138_090, 1e-6);
        let i = mean_interval(&s).unwrap();
        close(i.low, 5.0 - 1.787_488, 1e-5);
        close(i.high, 5.0 + 1.787_488, 1e-5);
        assert_eq!(mean_interval(&summarize([3.0]).unwrap()), None);
        assert_eq!(summarize([]), None);
        // Past the table: t(40) = 2.021075, t(100) = 1.983972, t(1000) = 1.962339.
        close(t_975(40), 2.021_075, 1e-4);
        close(t_975(100), 1.983_972, 1e-5);
        close(t_975(1000), 1.962_339, 1e-5);
        close(t_975(9), 2.262_157, 1e-6);
    }

    #[test]
    fn chi_square_tail_probabilities_match_tables() {
        close(chi_square_survival(3.841_458_820_694_124, 1), 0.05, 1e-9);
        close(chi_square_survival(5.991_464_547_107_979, 2), 0.05, 1e-9);
        close(chi_square_survival(10.827_566_170_662_733, 1), 0.001, 1e-9);
        close(chi_square_survival(16.266_236_196_238_13, 3), 0.001, 1e-9);
        close(chi_square_survival(10.0, 3), 0.018_566_135_463_043, 1e-9);
        close(chi_square_survival(1.0, 1), 0.317_310_507_862_914, 1e-9);
        close(chi_square_survival(100.0, 10), 0.0, 1e-12);
        assert_eq!(chi_square_survival(0.0, 4), 1.0);
    }

    #[test]
    fn a_split_far_from_the_weights_is_a_mismatch() {
        // 50/50 expected: 5,000 vs 5,000 fits; 5,200 vs 4,800 gives chi-square 16 (p 6.3e-5).
        let even = sample_ratio_test(&[5_000, 5_000], &[50.0, 50.0]).unwrap();
        assert_eq!((even.chi_square, even.p_value, even.mismatch), (0.0, 1.0, false));
        let uneven = sample_ratio_test(&[5_200, 4_800], &[50.0, 50.0]).unwrap();
        close(uneven.chi_square, 16.0, 1e-9);
        close(uneven.p_value, 6.334_248_366_623_996e-5, 1e-12);
        assert!(uneven.mismatch);
        let weighted = sample_ratio_test(&[2_500, 7_500], &[1.0, 3.0]).unwrap();
        assert!(!weighted.mismatch);
        assert_eq!(weighted.degrees_of_freedom, 1);
        assert_eq!(sample_ratio_test(&[10], &[1.0]), None);
        assert_eq!(sample_ratio_test(&[0, 0], &[1.0, 1.0]), None);
        assert_eq!(sample_ratio_test(&[5, 5], &[1.0, 0.0]), None, "a variant without a weight cannot be expected");
    }
}
