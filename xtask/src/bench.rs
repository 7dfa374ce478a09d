//! `cargo xtask bench [--quick]`: builds the servers and the harness, runs the benchmark
//! scenarios of the `bench` crate and writes their tables.
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

/// The task.
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let quick = match args {
        [] => false,
        [flag] if flag == "--quick" => true,
        _ => return Err(format!("usage: cargo xtask bench [--quick] (got {args:?})")),
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
