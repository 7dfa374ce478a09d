//! `codegen-run SPEC OUT_DIR`: what `cargo xtask codegen` does — parse the spec, run every
//! generator, write every output — into `OUT_DIR` instead of the workspace, so that the
//! benchmark can time the generator as a process without touching checked-in files.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn run(spec: &str, out: &str) -> Result<(), String> {
    let started = Instant::now();
    let text = std::fs::read_to_string(spec).map_err(|e| format!("reading {spec}: {e}"))?;
    let outputs = xtask::codegen::generate(&text)?;
    for (path, contents) in &outputs {
        let full = PathBuf::from(out).join(path);
        if let Some(dir) = full.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        }
        std::fs::write(&full, contents).map_err(|e| format!("writing {}: {e}", full.display()))?;
    }
    println!(
        "codegen-run: wrote {} file(s) in {:.3}s",
        outputs.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [spec, out] = args.as_slice() else {
        eprintln!("usage: codegen-run SPEC OUT_DIR");
        return ExitCode::FAILURE;
    };
    match run(spec, out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("codegen-run: {e}");
            ExitCode::FAILURE
        }
    }
}
