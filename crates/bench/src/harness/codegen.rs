//! Scenario 6: our generator against OpenAPI Generator's `rust-axum` and `rust` on the same
//! spec, interleaved per repetition. Each is timed as a whole process from spawn to exit, with
//! a fresh output directory: ours is `codegen-run` (the exact function behind
//! `cargo xtask codegen`, already built), theirs the PyPI `openapi-generator-cli` (the JVM
//! start included, as a user runs it).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use super::{Options, Results};

/// The OpenAPI Generator release compared against (PyPI `openapi-generator-cli`).
pub const OAG_VERSION: &str = "7.26.0";

fn venv(opts: &Options) -> PathBuf {
    opts.scratch().join("oag-venv")
}

/// Installs `openapi-generator-cli` into a venv under `target/bench/` unless it is there.
fn ensure_oag(opts: &Options) -> Result<PathBuf, String> {
    let dir = venv(opts);
    let cli = dir.join("bin").join("openapi-generator-cli");
    let pip = dir.join("bin").join("pip");
    let installed = Command::new(&pip)
        .args(["show", "openapi-generator-cli"])
        .output()
        .is_ok_and(|o| {
            o.status.success()
                && String::from_utf8_lossy(&o.stdout).contains(&format!("Version: {OAG_VERSION}"))
        });
    if installed && cli.exists() {
        return Ok(cli);
    }
    let status = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&dir)
        .status()
        .map_err(|e| format!("python3 -m venv: {e}"))?;
    if !status.success() {
        return Err(format!("python3 -m venv {} failed", dir.display()));
    }
    let status = Command::new(&pip)
        .args([
            "install",
            "--quiet",
            &format!("openapi-generator-cli=={OAG_VERSION}"),
        ])
        .status()
        .map_err(|e| format!("pip install openapi-generator-cli: {e}"))?;
    if !status.success() {
        return Err("pip install openapi-generator-cli failed".to_owned());
    }
    Ok(cli)
}

fn time(program: &Path, args: &[&str], out: &Path) -> Result<f64, String> {
    let _ = std::fs::remove_dir_all(out);
    std::fs::create_dir_all(out).map_err(|e| format!("creating {}: {e}", out.display()))?;
    let started = Instant::now();
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("starting {}: {e}", program.display()))?;
    let secs = started.elapsed().as_secs_f64();
    if !output.status.success() {
        return Err(format!(
            "{} {} failed: {}",
            program.display(),
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(secs)
}

/// Runs the comparison.
pub fn run(opts: &Options, results: &mut Results) {
    let cli = match ensure_oag(opts) {
        Ok(cli) => Some(cli),
        Err(e) => {
            results.problems.push(format!("OpenAPI Generator: {e}"));
            None
        }
    };
    let spec = opts.root.join(xtask::codegen::SPEC);
    let spec_arg = spec.to_string_lossy().into_owned();
    let out = opts.scratch().join("codegen-out");
    for rep in 0..opts.reps {
        eprintln!("bench: codegen rep {}/{}", rep + 1, opts.reps);
        let ours_dir = out.join("ours");
        let ours = time(
            &opts.codegen_bin,
            &[&spec_arg, &ours_dir.to_string_lossy()],
            &ours_dir,
        );
        match ours {
            Ok(s) => super::push(
                &mut results.codegen,
                "ours (cargo xtask codegen)".to_owned(),
                s,
            ),
            Err(e) => results.problems.push(format!("codegen: {e}")),
        }
        let Some(cli) = &cli else { continue };
        for generator in ["rust-axum", "rust"] {
            let dir = out.join(generator);
            let dir_arg = dir.to_string_lossy().into_owned();
            match time(
                cli,
                &["generate", "-g", generator, "-i", &spec_arg, "-o", &dir_arg],
                &dir,
            ) {
                Ok(s) => super::push(
                    &mut results.codegen,
                    format!("OpenAPI Generator {OAG_VERSION} `{generator}`"),
                    s,
                ),
                Err(e) => results.problems.push(format!("codegen {generator}: {e}")),
            }
        }
    }
}
