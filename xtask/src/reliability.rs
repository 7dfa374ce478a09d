//! `cargo xtask reliability`: the full reliability suite (RELIABILITY.md has its figures).
//!
//! 1. The release server binary, built once.
//! 2. `tests/reliability/run.py --full`: schemathesis with signed requests (>= 1,000 cases per
//!    operation, V3 and v1), the signature rejection matrix, kill -9 on SQLite and PostgreSQL,
//!    fsync failures, PostgreSQL restarts, two replicas, floods and oversized requests.
//! 3. cargo-fuzz on nightly, 10 minutes per target (parameter parser, v1 and V3 verifiers,
//!    Content parser); cargo-fuzz is installed from crates.io when missing.
//!
//! `cargo xtask test` runs the bounded variant of step 2 (see [`BOUNDED_ARGS`]).

use std::path::Path;
use std::process::Command;

/// The fuzz targets of `fuzz/` (each a `fuzz_targets/<name>.rs`) and the cargo features each
/// needs (the Content target pulls in the service crate).
pub const FUZZ_TARGETS: &[(&str, &[&str])] = &[
    ("params", &[]),
    ("verify_v1", &[]),
    ("verify_v3", &[]),
    ("content", &["--features", "content"]),
];

/// Where cargo-fuzz builds, under the workspace root: inside the workspace's own `target/`.
pub const FUZZ_TARGET_DIR: &str = "target/fuzz";

/// The bounded run inside `cargo xtask test`: fixed seed, fewer trials and cases, and the
/// scenarios still awaiting the server hardening skipped (tests/reliability/run.py's
/// AWAITING_SERVER_FIX).
pub const BOUNDED_ARGS: &[&str] = &["tests/reliability/run.py", "--seed", "16"];

pub struct Options {
    pub fuzz_seconds: u64,
    pub skip_suite: bool,
    pub skip_fuzz: bool,
    pub suite_args: Vec<String>,
}

pub fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        fuzz_seconds: 600,
        skip_suite: false,
        skip_fuzz: false,
        suite_args: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--fuzz-seconds" => {
                let value = it.next().ok_or("--fuzz-seconds needs a number")?;
                options.fuzz_seconds = value
                    .parse()
                    .map_err(|_| format!("--fuzz-seconds: not a number: {value}"))?;
            }
            "--skip-suite" => options.skip_suite = true,
            "--skip-fuzz" => options.skip_fuzz = true,
            "--" => options.suite_args.extend(it.by_ref().cloned()),
            other => {
                return Err(format!(
                    "usage: cargo xtask reliability [--fuzz-seconds N] [--skip-suite] [--skip-fuzz] [-- run.py args]\n(unknown argument {other})"
                ))
            }
        }
    }
    Ok(options)
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    let mut failures = Vec::new();
    if !options.skip_suite {
        step(
            root,
            "release build",
            "cargo",
            &[
                "build",
                "--release",
                "-p",
                "connection-service",
                "--bin",
                "dataworks-server",
            ],
        )?;
        let mut suite: Vec<String> = [
            "tests/reliability/run.py",
            "--full",
            "--server-bin",
            "target/release/dataworks-server",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        suite.extend(options.suite_args.iter().cloned());
        let suite: Vec<&str> = suite.iter().map(String::as_str).collect();
        if let Err(e) = step(root, "reliability suite (full)", "python3", &suite) {
            failures.push(e);
        }
    }
    if !options.skip_fuzz {
        ensure_cargo_fuzz(root)?;
        let seconds = format!("-max_total_time={}", options.fuzz_seconds);
        let target_dir = root.join(FUZZ_TARGET_DIR).display().to_string();
        for (target, features) in FUZZ_TARGETS {
            // -s none: the crates forbid unsafe code, so AddressSanitizer finds nothing a panic
            // would not; without it the build is much faster. -a keeps overflow checks on.
            // --target-dir: the nightly artifacts under the workspace's own target/, not a
            // second target directory in fuzz/.
            let mut args = vec![
                "+nightly",
                "fuzz",
                "run",
                "-s",
                "none",
                "-a",
                "--target-dir",
                &target_dir,
            ];
            args.extend_from_slice(features);
            args.extend([*target, "--", &seconds]);
            if let Err(e) = step(root, &format!("fuzz {target}"), "cargo", &args) {
                failures.push(e);
            }
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

/// cargo-fuzz is a developer tool from crates.io, installed on first use.
fn ensure_cargo_fuzz(root: &Path) -> Result<(), String> {
    let installed = Command::new("cargo")
        .args(["+nightly", "fuzz", "--version"])
        .current_dir(root)
        .output()
        .is_ok_and(|o| o.status.success());
    if installed {
        return Ok(());
    }
    step(
        root,
        "install cargo-fuzz",
        "cargo",
        &["install", "cargo-fuzz", "--locked"],
    )
}

fn step(root: &Path, name: &str, program: &str, args: &[&str]) -> Result<(), String> {
    crate::test::step(root, name, program, args, &[])
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn options_parse() {
        let args: Vec<String> = [
            "--fuzz-seconds",
            "60",
            "--skip-suite",
            "--",
            "--only",
            "replicas",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let o = parse(&args).unwrap();
        assert_eq!(o.fuzz_seconds, 60);
        assert!(o.skip_suite && !o.skip_fuzz);
        assert_eq!(o.suite_args, ["--only", "replicas"]);
        assert!(parse(&["--bogus".to_owned()]).is_err());
    }
}
