//! Reads what `cargo bench -p bench --bench generated_layer` left under `target/criterion/`.

use std::path::Path;

use crate::stats::Spread;

/// The criterion group of the generated-layer benches.
pub const GROUP: &str = "generated_layer";

/// One bench: nanoseconds per iteration over criterion's samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// Bench id within the group.
    pub name: String,
    /// Per-sample mean time per iteration, ns: min / median / max over the samples.
    pub per_iter_ns: Spread,
    /// Number of samples.
    pub samples: usize,
}

#[derive(serde::Deserialize)]
struct Sample {
    iters: Vec<f64>,
    times: Vec<f64>,
}

/// Every bench of [`GROUP`] with a `new/sample.json`, by name.
pub fn read(criterion_dir: &Path) -> Vec<Estimate> {
    let Ok(entries) = std::fs::read_dir(criterion_dir.join(GROUP)) else {
        return Vec::new();
    };
    let mut out: Vec<Estimate> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(e.path().join("new").join("sample.json")).ok()?;
            let sample: Sample = serde_json::from_str(&text).ok()?;
            let per_iter: Vec<f64> = sample
                .iters
                .iter()
                .zip(&sample.times)
                .filter(|(i, _)| **i > 0.0)
                .map(|(i, t)| t / i)
                .collect();
            Some(Estimate {
                name,
                samples: per_iter.len(),
                per_iter_ns: Spread::of(&per_iter),
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_samples() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bench = dir.path().join(GROUP).join("update_connection").join("new");
        std::fs::create_dir_all(&bench).expect("mkdir");
        std::fs::write(
            bench.join("sample.json"),
            r#"{"sampling_mode":"Linear","iters":[10.0,20.0,30.0],"times":[100.0,300.0,300.0]}"#,
        )
        .expect("write");
        let read = read(dir.path());
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].name, "update_connection");
        assert_eq!(read[0].per_iter_ns.min, 10.0);
        assert_eq!(read[0].per_iter_ns.median, 10.0);
        assert_eq!(read[0].per_iter_ns.max, 15.0);
        assert!(super::read(&dir.path().join("absent")).is_empty());
    }
}
