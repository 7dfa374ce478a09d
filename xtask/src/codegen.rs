//! `cargo xtask codegen [--check]`: spec -> generated crates, or a drift check that writes nothing.
//! `cargo xtask codegen --spec FILE --out DIR --name NAME`: another spec -> a standalone
//! workspace (see [`crate::workspace`]).

use std::path::{Path, PathBuf};
use std::time::Instant;

/// The single source of truth, relative to the workspace root.
pub const SPEC: &str = "spec/dataworks.yaml";

/// A generator: parsed spec and its file name -> file contents.
pub type Generator = fn(&openapiv3::OpenAPI, &str) -> Result<String, codegen::Error>;

/// Every generated file (relative to the root) and the generator that writes it. A new emitter
/// is one line here. The directories of these files hold generated files only (see
/// [`stale_files`]): a generated crate's hand-written code lives in other crates.
pub const OUTPUTS: &[(&str, Generator)] = &[
    ("crates/dataworks-types/src/lib.rs", codegen::generate_types),
    (
        "crates/dataworks-server-stub/src/lib.rs",
        codegen::generate_server,
    ),
    (
        "crates/dataworks-client/src/lib.rs",
        codegen::generate_client,
    ),
    (
        "crates/connection-service/explorer/generated/api.js",
        codegen::generate_explorer,
    ),
    (
        "crates/dataworks-cli/src/generated/mod.rs",
        codegen::generate_cli,
    ),
];

/// One generated file whose checked-in text differs from what the spec generates, or a leftover
/// file that no generator writes any more.
#[derive(Debug)]
pub struct Drift {
    pub path: PathBuf,
    /// A unified diff, checked-in (`a/`) -> generated (`b/`, or `/dev/null` for a leftover).
    pub diff: String,
}

/// Files under the directories of [`OUTPUTS`] (relative to `root`, sorted) that no generator
/// writes: leftovers of an older generator, such as the client runtime modules that moved from
/// `crates/dataworks-client/src/` to the hand-written `crates/acs-client`. A leftover would still
/// compile (or be silently ignored) and look generated, so the check reports it and
/// `cargo xtask codegen` deletes it.
pub fn stale_files(root: &Path) -> Result<Vec<PathBuf>, String> {
    let outputs: Vec<&Path> = OUTPUTS.iter().map(|(path, _)| Path::new(*path)).collect();
    let mut dirs: Vec<&Path> = outputs.iter().filter_map(|p| p.parent()).collect();
    dirs.sort();
    dirs.dedup();
    let mut stale = Vec::new();
    for dir in dirs {
        let mut pending = vec![dir.to_path_buf()];
        while let Some(dir) = pending.pop() {
            let entries = match std::fs::read_dir(root.join(&dir)) {
                Ok(entries) => entries,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(format!("cannot list {}: {e}", dir.display())),
            };
            for entry in entries {
                let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
                let path = dir.join(entry.file_name());
                let kind = entry
                    .file_type()
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                if kind.is_dir() {
                    pending.push(path);
                } else if !outputs.contains(&path.as_path()) {
                    stale.push(path);
                }
            }
        }
    }
    stale.sort();
    Ok(stale)
}

/// Generates every output from spec text: (path relative to the root, contents).
pub fn generate(spec_text: &str) -> Result<Vec<(PathBuf, String)>, String> {
    let spec: openapiv3::OpenAPI = serde_yaml::from_str(spec_text)
        .map_err(|e| format!("{SPEC} is not a valid OpenAPI 3.0 document: {e}"))?;
    OUTPUTS
        .iter()
        .map(|(path, generator)| {
            generator(&spec, SPEC)
                .map(|text| (PathBuf::from(path), text))
                .map_err(|e| e.to_string())
        })
        .collect()
}

/// The outputs that differ from the files under `root` (empty: everything is fresh).
pub fn drift(root: &Path, spec_text: &str) -> Result<Vec<Drift>, String> {
    let mut out = Vec::new();
    for (path, generated) in generate(spec_text)? {
        let current = std::fs::read_to_string(root.join(&path)).unwrap_or_default();
        if current != generated {
            let shown = path.display().to_string();
            let diff = similar::TextDiff::from_lines(&current, &generated)
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{shown}"), &format!("b/{shown}"))
                .to_string();
            out.push(Drift { path, diff });
        }
    }
    for path in stale_files(root)? {
        let current = std::fs::read_to_string(root.join(&path)).unwrap_or_default();
        let shown = path.display().to_string();
        let diff = similar::TextDiff::from_lines(current.as_str(), "")
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{shown}"), "/dev/null")
            .to_string();
        out.push(Drift { path, diff });
    }
    Ok(out)
}

/// Reads the spec under `root`.
pub fn read_spec(root: &Path) -> Result<String, String> {
    std::fs::read_to_string(root.join(SPEC)).map_err(|e| format!("cannot read {SPEC}: {e}"))
}

/// The task: write the outputs, or with `--check` report drift and fail.
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    const USAGE: &str =
        "usage: cargo xtask codegen [--check] | cargo xtask codegen --spec FILE --out DIR --name NAME";
    if let Some(other) = crate::workspace::Args::parse(args).map_err(|e| format!("{e}\n{USAGE}"))? {
        return crate::workspace::run(root, &other);
    }
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => return Err(format!("{USAGE} (got {args:?})")),
    };
    let started = Instant::now();
    let spec_text = read_spec(root)?;
    if check {
        let drifts = drift(root, &spec_text)?;
        let elapsed = started.elapsed().as_secs_f32();
        if drifts.is_empty() {
            println!(
                "codegen: {} file(s) up to date with {SPEC} ({elapsed:.2}s)",
                OUTPUTS.len()
            );
            return Ok(());
        }
        for d in &drifts {
            eprint!("{}", d.diff);
        }
        let paths: Vec<String> = drifts
            .iter()
            .map(|d| d.path.display().to_string())
            .collect();
        return Err(format!(
            "codegen: {} generated file(s) differ from {SPEC}: {}\nrun `cargo xtask codegen` and commit",
            drifts.len(),
            paths.join(", ")
        ));
    }
    let outputs = generate(&spec_text)?;
    let mut written = 0;
    for (path, text) in &outputs {
        let full = root.join(path);
        if std::fs::read_to_string(&full).ok().as_deref() != Some(text.as_str()) {
            if let Some(dir) = full.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            std::fs::write(&full, text)
                .map_err(|e| format!("cannot write {}: {e}", full.display()))?;
            written += 1;
        }
    }
    let stale = stale_files(root)?;
    for path in &stale {
        let full = root.join(path);
        std::fs::remove_file(&full)
            .map_err(|e| format!("cannot delete {}: {e}", full.display()))?;
        println!(
            "codegen: deleted {} (no generator writes it)",
            path.display()
        );
    }
    println!(
        "codegen: wrote {written} of {} file(s) from {SPEC} in {:.2}s",
        outputs.len(),
        started.elapsed().as_secs_f32()
    );
    Ok(())
}
