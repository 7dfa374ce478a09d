//! `cargo xtask corpus [DIR]`: the generator over every public spec in `../shared/spec-corpus/`
//! (or DIR, or `$SPEC_CORPUS_DIR`), one row per spec.
//!
//! For each spec, as a new user would: `cargo xtask codegen --spec … --name corpus-<spec>`'s
//! workspace writer ([`xtask::workspace`]) writes `target/corpus/<spec>/` with the types, client
//! and server crates; each generated crate is built; a generated program round-trips every
//! `example`/`examples` value of the spec through the generated types; and a generated program
//! serves the generated server on loopback and calls one operation through the generated client
//! ([`loopback`]). Every scratch workspace shares one target directory (`target/corpus/target`,
//! or `$CORPUS_TARGET_DIR`) and this repository's `Cargo.lock`, so dependencies build once.
//!
//! A crate the generator refuses is an answer (listed with its pointers); a generated crate that
//! does not compile, an example that does not round-trip or a loopback call that fails is a
//! generator bug and fails the task.

mod loopback;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use xtask::workspace::{self, Part};

/// One spec's outcome; each column is a short cell of the table.
#[derive(Debug, Default)]
pub struct Row {
    pub spec: String,
    /// `ok (N types)`, `refused: N (client N)`, or `unreadable`.
    pub generate: String,
    /// Per part: `ok`, `FAIL`, `refused: N`, or `-` (not attempted).
    pub types: String,
    pub client: String,
    pub server: String,
    /// `ok/total` (plus how many examples have no generated type).
    pub examples: String,
    /// `ok (Action)`, `FAIL`, or why it was not attempted.
    pub loopback: String,
    /// Warnings of the tolerant reader, refusals, failures: the detail section.
    pub notes: Vec<String>,
    /// A generator bug (not a refusal) was found.
    pub broken: bool,
}

/// The corpus folder: DIR, `$SPEC_CORPUS_DIR`, or `shared/spec-corpus` beside the repository
/// (or beside the main checkout when this is a git worktree under `wt/`).
pub fn corpus_dir(root: &Path, arg: Option<&str>) -> Result<PathBuf, String> {
    if let Some(dir) = arg {
        return Ok(PathBuf::from(dir));
    }
    if let Ok(dir) = std::env::var("SPEC_CORPUS_DIR") {
        return Ok(PathBuf::from(dir));
    }
    root.ancestors()
        .skip(1)
        .take(3)
        .map(|a| a.join("shared/spec-corpus"))
        .find(|p| p.is_dir())
        .ok_or_else(|| {
            "no ../shared/spec-corpus found; pass the folder (cargo xtask corpus DIR) or set \
             SPEC_CORPUS_DIR"
                .to_owned()
        })
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let dir = match args {
        [] => corpus_dir(root, None)?,
        [dir] => corpus_dir(root, Some(dir))?,
        _ => return Err(format!("usage: cargo xtask corpus [DIR] (got {args:?})")),
    };
    let started = Instant::now();
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    specs.sort();
    let scratch = root.join("target/corpus");
    std::fs::create_dir_all(&scratch).map_err(|e| format!("cannot create target/corpus: {e}"))?;
    let target = std::env::var("CORPUS_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| scratch.join("target"));
    let lock = std::fs::read(root.join("Cargo.lock")).ok();
    let mut rows = Vec::new();
    for spec in &specs {
        let spec_started = Instant::now();
        let row = one_spec(spec, root, &scratch, &target, lock.as_deref());
        println!(
            "{:<26} {:<24} types {:<6} client {:<12} server {:<12} examples {:<10} loopback {} ({:.0}s)",
            row.spec,
            row.generate,
            row.types,
            row.client,
            row.server,
            row.examples,
            row.loopback,
            spec_started.elapsed().as_secs_f32()
        );
        rows.push(row);
    }
    let table = table(&rows);
    println!("\n{table}");
    std::fs::write(scratch.join("report.md"), &table)
        .map_err(|e| format!("cannot write target/corpus/report.md: {e}"))?;
    println!(
        "(also in target/corpus/report.md, with the details; {:.0}s)",
        started.elapsed().as_secs_f32()
    );
    let broken: Vec<&str> = rows
        .iter()
        .filter(|r| r.broken)
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

fn one_spec(path: &Path, root: &Path, scratch: &Path, target: &Path, lock: Option<&[u8]>) -> Row {
    let spec = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut row = Row {
        spec: spec.clone(),
        types: "-".into(),
        client: "-".into(),
        server: "-".into(),
        examples: "-".into(),
        loopback: "-".into(),
        ..Row::default()
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default()
        .replace(|c: char| !c.is_ascii_alphanumeric(), "-");
    let name = format!("corpus-{stem}");
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            row.generate = "unreadable".into();
            row.notes.push(e.to_string());
            return row;
        }
    };
    let mut ws = match workspace::generate(&text, &spec, &name) {
        Ok(ws) => ws,
        Err(e) => {
            row.generate = "unreadable".into();
            row.notes.push(e);
            return row;
        }
    };
    row.notes
        .extend(ws.warnings.iter().map(|d| format!("warning: {d}")));

    // Refusals per crate: an answer, listed. A refused types crate (lowering refused) refuses
    // the other two for the same reasons: listed once.
    let types_refused = matches!(ws.part(Part::Types).lib, Err(codegen::Error::Refused(_)));
    let mut refused = Vec::new();
    let mut refusals = 0;
    for c in &ws.crates {
        if types_refused && c.part != Part::Types {
            continue;
        }
        let cell =
            match &c.lib {
                Ok(_) => "-".to_owned(),
                Err(codegen::Error::Refused(r)) => {
                    refused.push(format!("{} {}", c.part.suffix(), r.items.len()));
                    refusals += r.items.len();
                    row.notes.extend(r.items.iter().map(|i| {
                        format!("refused ({}) {}: {}", c.part.suffix(), i.pointer, i.reason)
                    }));
                    format!("refused: {}", r.items.len())
                }
                Err(e) => {
                    row.broken = true;
                    row.notes.push(format!("FAIL ({}): {e}", c.part.suffix()));
                    "error".to_owned()
                }
            };
        *cell_of(&mut row, c.part) = cell;
    }
    // Reading and lowering again (cheap) for the model the checks are written from.
    let read = codegen::read::read_spec(&text).expect("read by workspace::generate");
    let api = codegen::lower(&read.spec, &spec).ok();
    row.generate = match &api {
        Some(api) if refused.is_empty() => format!("ok ({} types)", api.types.len()),
        _ => format!("refused: {refusals} ({})", refused.join(", ")),
    };
    let Some(api) = api else {
        // The types crate is refused: nothing else can be generated.
        return row;
    };

    let pkg = |part: Part| format!("{name}-{}", part.suffix());
    let ident = |part: Part| pkg(part).replace('-', "_");
    let made: Vec<Part> = Part::ALL
        .into_iter()
        .filter(|p| ws.part(*p).lib.is_ok())
        .collect();
    let generated = |part: Part| made.contains(&part);
    let collected = codegen::examples::collect(&api, &read.document);
    let round_trip = codegen::examples::check_program(&collected.typed, &ident(Part::Types), &spec);
    ws.extra.push((
        "round-trip".into(),
        vec![
            (
                "Cargo.toml".into(),
                check_manifest(
                    &format!("{name}-round-trip"),
                    &[
                        format!(
                            "{} = {{ path = \"../{}\" }}",
                            pkg(Part::Types),
                            pkg(Part::Types)
                        ),
                        "serde = { version = \"1\", features = [\"derive\"] }".into(),
                        "serde_json = \"1\"".into(),
                    ],
                ),
            ),
            ("src/main.rs".into(), round_trip),
        ],
    ));
    let plan = loopback::plan(&api, &collected.typed);
    let loopback_program = match (&plan, generated(Part::Client) && generated(Part::Server)) {
        (None, _) => Err("no operation whose request and answer the spec lets us write".to_owned()),
        (Some(_), false) => Err("n/a (client or server refused)".to_owned()),
        (Some(plan), true) => loopback::program(
            &api,
            plan,
            &loopback::Crates {
                types: &ident(Part::Types),
                client: &ident(Part::Client),
                server: &ident(Part::Server),
            },
        ),
    };
    if let Ok(program) = &loopback_program {
        let runtime = |krate: &str| {
            format!(
                "{krate} = {{ path = {:?} }}",
                root.join("crates").join(krate).display().to_string()
            )
        };
        ws.extra.push((
            "loopback".into(),
            vec![
                (
                    "Cargo.toml".into(),
                    check_manifest(
                        &format!("{name}-loopback"),
                        &[
                            format!(
                                "{} = {{ path = \"../{}\" }}",
                                pkg(Part::Types),
                                pkg(Part::Types)
                            ),
                            format!(
                                "{} = {{ path = \"../{}\" }}",
                                pkg(Part::Client),
                                pkg(Part::Client)
                            ),
                            format!(
                                "{} = {{ path = \"../{}\" }}",
                                pkg(Part::Server),
                                pkg(Part::Server)
                            ),
                            runtime("acs-protocol"),
                            "async-trait = \"0.1\"".into(),
                            "axum = \"0.8\"".into(),
                            "serde_json = \"1\"".into(),
                            "tokio = { version = \"1\", features = [\"full\"] }".into(),
                        ],
                    ),
                ),
                ("src/main.rs".into(), program.clone()),
            ],
        ));
    }
    let dir = scratch.join(&stem);
    if let Err(e) = ws.write(&dir, root, lock) {
        row.broken = true;
        row.notes
            .push(format!("FAIL: cannot write the workspace: {e}"));
        return row;
    }

    for part in Part::ALL {
        if !generated(part) {
            continue;
        }
        let cell = match cargo(&dir, target, &["build", "--quiet", "-p", &pkg(part)]) {
            Ok(_) => "ok".to_owned(),
            Err(e) => {
                row.broken = true;
                row.notes.push(format!(
                    "FAIL ({} compile): {}",
                    part.suffix(),
                    first_errors(&e)
                ));
                "FAIL".to_owned()
            }
        };
        *cell_of(&mut row, part) = cell;
    }
    if row.types != "ok" {
        return row;
    }

    let mut extra = Vec::new();
    if !collected.untyped.is_empty() {
        extra.push(format!("{} without a type", collected.untyped.len()));
    }
    if !collected.contradicting.is_empty() {
        extra.push(format!(
            "{} contradict their schema",
            collected.contradicting.len()
        ));
    }
    let extra_note = if extra.is_empty() {
        String::new()
    } else {
        format!(" ({})", extra.join(", "))
    };
    let round_trip_pkg = format!("{name}-round-trip");
    match cargo(&dir, target, &["run", "--quiet", "-p", &round_trip_pkg]) {
        Ok(out) => {
            let last = out.lines().last().unwrap_or_default();
            let counts = last.strip_prefix("round-tripped ").unwrap_or(last);
            row.examples = format!("{counts}{extra_note}");
            let failures: Vec<String> = out
                .lines()
                .filter(|l| l.starts_with("FAIL "))
                .map(str::to_owned)
                .collect();
            row.broken |= !failures.is_empty();
            row.notes.extend(failures);
        }
        Err(e) => {
            row.broken = true;
            row.examples = "check program FAIL".into();
            row.notes
                .push(format!("FAIL (round trip): {}", first_errors(&e)));
        }
    }
    row.notes.extend(
        collected
            .contradicting
            .iter()
            .map(|p| format!("example contradicts its schema's type: {p}")),
    );
    row.notes.extend(
        collected
            .untyped
            .iter()
            .map(|p| format!("untyped example {p}")),
    );

    row.loopback = match loopback_program {
        Err(why) => why,
        Ok(_) if row.client != "ok" || row.server != "ok" => "-".into(),
        Ok(_) => {
            let action = plan
                .as_ref()
                .map(|p| p.op.name.as_str())
                .unwrap_or_default();
            match cargo(
                &dir,
                target,
                &["run", "--quiet", "-p", &format!("{name}-loopback")],
            ) {
                Ok(_) => format!("ok ({action})"),
                Err(e) => {
                    row.broken = true;
                    row.notes
                        .push(format!("FAIL (loopback {action}): {}", first_errors(&e)));
                    "FAIL".into()
                }
            }
        }
    };
    row
}

fn cell_of(row: &mut Row, part: Part) -> &mut String {
    match part {
        Part::Types => &mut row.types,
        Part::Client => &mut row.client,
        Part::Server => &mut row.server,
    }
}

/// The manifest of a check program of `cargo xtask corpus`.
fn check_manifest(name: &str, deps: &[String]) -> String {
    format!(
        "# Written by `cargo xtask corpus`: a check program, regenerated on every run.\n\
         [package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n{}\n",
        deps.join("\n")
    )
}

/// Runs cargo in `dir`; stdout on success, stderr (then stdout) on failure.
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
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        ))
    }
}

/// The first few `error` lines of a compiler run (or the panic), for the report.
fn first_errors(stderr: &str) -> String {
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error") || l.contains("panicked at") || l.starts_with("thread"))
        .take(5)
        .collect();
    if errors.is_empty() {
        return stderr.lines().take(5).collect::<Vec<_>>().join(" | ");
    }
    let count = stderr.lines().filter(|l| l.starts_with("error")).count();
    format!("{} error line(s), first: {}", count, errors.join(" | "))
}

/// The anchors the issue measured on the same specs with default flags.
const ANCHORS: &str = "anchors on the same specs: OpenAPI Generator 7.26 rust client compiles \
                       for 8, its rust-axum server for 3; progenitor 0.15.1 generates a client \
                       for 2";

/// The report: the table, totals, then the details per spec.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    out.push_str("| spec | generate | types compile | client compile | server compile | examples round-tripped | loopback call |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            r.spec, r.generate, r.types, r.client, r.server, r.examples, r.loopback
        );
    }
    let count = |f: &dyn Fn(&Row) -> bool| rows.iter().filter(|r| f(r)).count();
    let all_three = count(&|r| r.types == "ok" && r.client == "ok" && r.server == "ok");
    let types = count(&|r| r.types == "ok");
    let clients = count(&|r| r.client == "ok");
    let servers = count(&|r| r.server == "ok");
    let loopback = count(&|r| r.loopback.starts_with("ok"));
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
        "\ntotals ({n} specs): all three crates compile for {all_three}; types {types}, client \
         {clients}, server {servers}; {ok}/{total} examples round-trip; loopback call {loopback}\n\
         ({ANCHORS})",
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
