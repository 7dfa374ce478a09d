//! `cargo xtask bench [--quick | --realistic ...]`: builds the servers and the harness, runs
//! the benchmark scenarios of the `bench` crate and writes their tables. `--realistic` runs
//! only issue 17's realistic workloads (release build; `--reps`, `--duration-secs`,
//! `--backend`, `--workload`, `--signature` pass through) into `target/bench-realistic.md`.
//!
//! Full mode builds in release, runs the criterion benches of the generated layer, then every
//! load scenario (3 repetitions, 15 s each) and the codegen comparison, and splices the tables
//! into `BENCHMARKS.md` (takes about 20 minutes on 2 cores). Quick mode (what CI runs, to keep the
//! harness working) reuses the debug build, runs each criterion bench once as a test and every
//! load scenario for one second, and writes `target/bench-quick.md`; its numbers mean nothing.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

fn step(root: &Path, what: &str, program: &str, args: &[&str]) -> Result<(), String> {
    println!("==> bench: {what}: {program} {}", args.join(" "));
    let started = Instant::now();
    let status = Command::new(program)
        .args(args)
        .current_dir(root)
        .status()
        .map_err(|e| format!("bench: cannot start {program}: {e}"))?;
    if status.success() {
        println!(
            "==> bench: {what}: ok in {:.1}s",
            started.elapsed().as_secs_f32()
        );
        Ok(())
    } else {
        Err(format!("bench: {what} failed ({status})"))
    }
}

const USAGE: &str = "usage: cargo xtask bench [--quick] | --realistic [--reps N] \
     [--duration-secs S] [--backend sqlite|postgres] [--workload a|a-const|b|c] \
     [--signature v1|v3] [--no-memory-nonces] [--out FILE]";

/// `--realistic`: release build, then only issue 17's realistic workloads (the other flags go
/// to `bench-harness`), written to `target/bench-realistic.md` unless `--out` says otherwise.
fn realistic(root: &Path, rest: &[String]) -> Result<(), String> {
    let passed = [
        "--reps",
        "--duration-secs",
        "--backend",
        "--workload",
        "--signature",
        "--out",
        "--realistic-rows",
        "--realistic-projects",
    ];
    let mut i = 0;
    while i < rest.len() {
        let a = rest[i].as_str();
        if a == "--no-memory-nonces" {
            i += 1;
        } else if passed.contains(&a) && i + 1 < rest.len() {
            i += 2;
        } else {
            return Err(format!("{USAGE} (got {a:?})"));
        }
    }
    step(
        root,
        "build (release)",
        "cargo",
        &[
            "build",
            "--quiet",
            "--release",
            "-p",
            "connection-service",
            "-p",
            "bench",
            "--bins",
        ],
    )?;
    let harness = root.join("target/release/bench-harness");
    let mut args: Vec<&str> = vec![
        "--realistic",
        "--bin-dir",
        "target/release",
        "--command",
        "cargo xtask bench --realistic",
    ];
    if !rest.iter().any(|a| a == "--out") {
        args.extend(["--out", "target/bench-realistic.md"]);
    }
    args.extend(rest.iter().map(String::as_str));
    step(
        root,
        "realistic workloads",
        &harness.to_string_lossy(),
        &args,
    )
}

/// The task.
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let quick = match args {
        [] => false,
        [flag] if flag == "--quick" => true,
        [flag, rest @ ..] if flag == "--realistic" => return realistic(root, rest),
        _ => return Err(format!("{USAGE} (got {args:?})")),
    };
    let build = [
        "build",
        "--quiet",
        "-p",
        "connection-service",
        "-p",
        "bench",
        "--bins",
    ];
    if quick {
        step(root, "build (debug)", "cargo", &build)?;
        step(
            root,
            "generated layer, each bench once",
            "cargo",
            &[
                "test",
                "--quiet",
                "-p",
                "bench",
                "--bench",
                "generated_layer",
            ],
        )?;
        let harness = root.join("target/debug/bench-harness");
        step(
            root,
            "load scenarios (quick)",
            &harness.to_string_lossy(),
            &[
                "--quick",
                "--bin-dir",
                "target/debug",
                "--out",
                "target/bench-quick.md",
                "--command",
                "cargo xtask bench --quick",
            ],
        )
    } else {
        let mut release = build.to_vec();
        release.push("--release");
        step(root, "build (release)", "cargo", &release)?;
        step(
            root,
            "generated layer (criterion)",
            "cargo",
            &[
                "bench",
                "-p",
                "bench",
                "--bench",
                "generated_layer",
                "--",
                "--noplot",
            ],
        )?;
        let harness = root.join("target/release/bench-harness");
        step(
            root,
            "load scenarios and codegen",
            &harness.to_string_lossy(),
            &[
                "--bin-dir",
                "target/release",
                "--criterion",
                "--out",
                "BENCHMARKS.md",
                "--command",
                "cargo xtask bench",
            ],
        )
    }
}
