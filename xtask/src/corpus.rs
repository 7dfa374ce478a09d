//! `cargo xtask corpus [DIR]`: the generator over every public spec in `../shared/spec-corpus/`
//! (or DIR), one row per spec.
//!
//! For each spec: read it tolerantly, generate the types crate into `target/corpus/<spec>/` (its
//! own workspace; every scratch crate shares `target/corpus/target`, so dependencies build once),
//! compile it, and run a generated program that round-trips every `example`/`examples` value of
//! the spec through the generated type. The client, server and loopback columns are filled in
//! by later work (issue 14, points 1, 3 and 6).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One spec's outcome.
#[derive(Debug, Default)]
pub struct Row {
    pub spec: String,
    /// `ok (N types)`, `refused: N`, or `unreadable: why`.
    pub generate: String,
    pub types_compile: String,
    /// `ok/total` (plus how many examples have no generated type).
    pub examples: String,
    /// Warnings of the tolerant reader and refusals, for the detail section.
    pub notes: Vec<String>,
}

const PENDING: &str = "n/a (pending)";

/// The default corpus: `shared/spec-corpus` beside the repository (or beside the main checkout
/// when this is a git worktree under `wt/`).
fn default_corpus(root: &Path) -> Option<PathBuf> {
    root.ancestors()
        .skip(1)
        .take(3)
        .map(|a| a.join("shared/spec-corpus"))
        .find(|p| p.is_dir())
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let dir = match args {
        [] => default_corpus(root)
            .ok_or("no ../shared/spec-corpus found; pass the folder: cargo xtask corpus DIR")?,
        [dir] => PathBuf::from(dir),
        _ => return Err(format!("usage: cargo xtask corpus [DIR] (got {args:?})")),
    };
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    specs.sort();
    let scratch = root.join("target/corpus");
    std::fs::create_dir_all(&scratch).map_err(|e| format!("cannot create target/corpus: {e}"))?;
    let lock = std::fs::read(root.join("Cargo.lock")).ok();
    let mut rows = Vec::new();
    for spec in &specs {
        let row = one_spec(spec, &scratch, lock.as_deref());
        println!(
            "{:<26} {:<16} {:<8} {}",
            row.spec, row.generate, row.types_compile, row.examples
        );
        rows.push(row);
    }
    let table = table(&rows);
    println!("\n{table}");
    std::fs::write(scratch.join("report.md"), &table)
        .map_err(|e| format!("cannot write target/corpus/report.md: {e}"))?;
    println!("(also in target/corpus/report.md, with the details)");
    // Refusals are answers (listed with pointers); a crate that does not compile or an example
    // that does not round-trip is a generator bug.
    let broken: Vec<&str> = rows
        .iter()
        .filter(|r| {
            matches!(r.types_compile.as_str(), "FAIL" | "error")
                || r.generate == "error"
                || r.notes.iter().any(|n| n.starts_with("FAIL "))
                || r.examples.starts_with("check program")
        })
        .map(|r| r.spec.as_str())
        .collect();
    if broken.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "corpus: generator bugs in {} (details in target/corpus/report.md)",
            broken.join(", ")
        ))
    }
}

fn one_spec(path: &Path, scratch: &Path, lock: Option<&[u8]>) -> Row {
    let spec = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut row = Row {
        spec: spec.clone(),
        types_compile: "-".into(),
        examples: "-".into(),
        ..Row::default()
    };
    let read = match std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|t| codegen::read::read_spec(&t).map_err(|e| e.to_string()))
    {
        Ok(read) => read,
        Err(e) => {
            row.generate = "unreadable".into();
            row.notes.push(e);
            return row;
        }
    };
    row.notes
        .extend(read.dropped.iter().map(|d| format!("warning: {d}")));
    let api = match codegen::lower(&read.spec, &spec) {
        Ok(api) => api,
        Err(refusals) => {
            row.generate = format!("refused: {}", refusals.items.len());
            row.notes.extend(
                refusals
                    .items
                    .iter()
                    .map(|r| format!("refused {}: {}", r.pointer, r.reason)),
            );
            return row;
        }
    };
    let lib = match codegen::generate_types(&read.spec, &spec) {
        Ok(lib) => lib,
        Err(e) => {
            row.generate = "error".into();
            row.notes.push(e.to_string());
            return row;
        }
    };
    row.generate = format!("ok ({} types)", api.types.len());
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let crate_name = format!("corpus-{}-types", stem.replace(['.', '_'], "-"));
    let crate_ident = crate_name.replace('-', "_");
    let collected = codegen::examples::collect(&api, &read.document);
    let untyped = &collected.untyped;
    let program = codegen::examples::check_program(&collected.typed, &crate_ident, &spec);
    let dir = scratch.join(&stem);
    if let Err(e) = write_crate(&dir, &crate_name, &lib, &program, lock) {
        row.types_compile = "error".into();
        row.notes.push(e);
        return row;
    }
    let target = scratch.join("target");
    let build = cargo(&dir, &target, &["build", "--quiet", "--lib"]);
    match build {
        Ok(_) => row.types_compile = "ok".into(),
        Err(e) => {
            row.types_compile = "FAIL".into();
            row.notes.push(first_errors(&e));
            return row;
        }
    }
    let mut extra = Vec::new();
    if !untyped.is_empty() {
        extra.push(format!("{} without a type", untyped.len()));
    }
    if !collected.contradicting.is_empty() {
        extra.push(format!(
            "{} contradict their schema",
            collected.contradicting.len()
        ));
    }
    let untyped_note = if extra.is_empty() {
        String::new()
    } else {
        format!(" ({})", extra.join(", "))
    };
    match cargo(
        &dir,
        &target,
        &["run", "--quiet", "--example", "round_trip"],
    ) {
        Ok(out) => {
            let last = out.lines().last().unwrap_or_default();
            let counts = last.strip_prefix("round-tripped ").unwrap_or(last);
            row.examples = format!("{counts}{untyped_note}");
            row.notes.extend(
                out.lines()
                    .filter(|l| l.starts_with("FAIL "))
                    .map(str::to_owned),
            );
        }
        Err(e) => {
            row.examples = "check program FAIL".into();
            row.notes.push(first_errors(&e));
        }
    }
    row.notes.extend(
        collected
            .contradicting
            .iter()
            .map(|p| format!("example contradicts its schema's type: {p}")),
    );
    row.notes
        .extend(untyped.iter().map(|p| format!("untyped example {p}")));
    row
}

fn write_crate(
    dir: &Path,
    name: &str,
    lib: &str,
    program: &str,
    lock: Option<&[u8]>,
) -> Result<(), String> {
    let write = |path: PathBuf, text: &[u8]| -> Result<(), String> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        if std::fs::read(&path).ok().as_deref() == Some(text) {
            return Ok(());
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    let manifest = format!(
        "# Written by `cargo xtask corpus`: a scratch crate, regenerated on every run.\n\
         [package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [workspace]\n\n\
         [dependencies]\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n\
         thiserror = \"2\"\nregex = \"1\"\n"
    );
    write(dir.join("Cargo.toml"), manifest.as_bytes())?;
    write(dir.join("src/lib.rs"), lib.as_bytes())?;
    write(dir.join("examples/round_trip.rs"), program.as_bytes())?;
    // The workspace's lock pins the same versions in every scratch crate, so they share builds.
    if let (Some(lock), false) = (lock, dir.join("Cargo.lock").exists()) {
        write(dir.join("Cargo.lock"), lock)?;
    }
    Ok(())
}

/// Runs cargo in `dir`; stdout on success, stderr on failure.
fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// The first few `error` lines of a compiler run, for the report.
fn first_errors(stderr: &str) -> String {
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error"))
        .take(5)
        .collect();
    let count = stderr.lines().filter(|l| l.starts_with("error")).count();
    format!("{} error line(s), first: {}", count, errors.join(" | "))
}

/// The report: the table, totals, then the details per spec.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    out.push_str("| spec | generate | types compile | examples round-tripped | client compile | server compile | loopback call |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {PENDING} | {PENDING} | {PENDING} |",
            r.spec, r.generate, r.types_compile, r.examples
        );
    }
    let generated = rows.iter().filter(|r| r.generate.starts_with("ok")).count();
    let compiled = rows.iter().filter(|r| r.types_compile == "ok").count();
    let (ok, total) = rows.iter().fold((0, 0), |(ok, total), r| {
        let counts = r.examples.split_whitespace().next().unwrap_or_default();
        match counts.split_once('/') {
            Some((a, b)) => (
                ok + a.parse::<usize>().unwrap_or(0),
                total + b.parse::<usize>().unwrap_or(0),
            ),
            None => (ok, total),
        }
    });
    let _ = writeln!(
        out,
        "\ntotals: {generated}/{n} generate, {compiled}/{n} types crates compile, {ok}/{total} examples round-trip",
        n = rows.len()
    );
    for r in rows.iter().filter(|r| !r.notes.is_empty()) {
        let _ = writeln!(out, "\n{}:", r.spec);
        for note in &r.notes {
            let _ = writeln!(out, "  {note}");
        }
    }
    out
}
