//! `cargo xtask codegen --spec FILE --out DIR --name NAME`: any OpenAPI document -> a standalone
//! cargo workspace with `NAME-types`, `NAME-client` and `NAME-server` crates.
//!
//! [`generate`] runs the three emitters with [`codegen::Settings::for_name`] (so the client and
//! server name `::NAME_types`); [`Workspace::write`] writes each crate's `lib.rs` and a
//! `Cargo.toml` listing exactly the crates its code names (read from the generated text, see
//! [`dependencies`]), plus the workspace manifest. `cargo xtask corpus` writes its scratch
//! workspaces through the same code, adding its own check crates as extra members.
//!
//! The hand-written runtimes (`acs-types`, `acs-client`, `acs-server`, `acs-protocol`) are not
//! published: the generated manifests refer to them by path, into this repository's `crates/`.
//! A crate that cannot be generated (the spec uses something its emitter refuses) is left out of
//! the workspace, and its refusals are returned; the others are still written.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// The three generated crates of a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Types,
    Client,
    Server,
}

impl Part {
    pub const ALL: [Part; 3] = [Part::Types, Part::Client, Part::Server];

    /// `types`, `client`, `server`: the package suffix.
    pub fn suffix(self) -> &'static str {
        match self {
            Part::Types => "types",
            Part::Client => "client",
            Part::Server => "server",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Part::Types => "request/response types, error enums and constrained values",
            Part::Client => "async client (one method per operation)",
            Part::Server => "server stub: the API trait and an axum router",
        }
    }
}

/// One crate's outcome: its `lib.rs`, or why it could not be generated.
#[derive(Debug)]
pub struct Crate {
    pub part: Part,
    /// `NAME-types`.
    pub package: String,
    pub lib: Result<String, codegen::Error>,
}

/// Everything a workspace holds, before it is written.
#[derive(Debug)]
pub struct Workspace {
    /// The `--name` (a package name stem: `my-api`).
    pub name: String,
    /// The spec's file name, for messages.
    pub spec_name: String,
    /// What the tolerant reader dropped (`callbacks`, ...), one line each.
    pub warnings: Vec<String>,
    pub crates: Vec<Crate>,
    /// Further members written by the caller (`cargo xtask corpus`'s checks): directory
    /// (relative to the workspace) -> files (relative to that directory) and their text.
    pub extra: Vec<(String, Vec<(String, String)>)>,
}

/// Reads `spec_text` tolerantly and runs the three emitters for `name`. `Err` only when the
/// document cannot be read at all; refusals are per crate.
pub fn generate(spec_text: &str, spec_name: &str, name: &str) -> Result<Workspace, String> {
    check_name(name)?;
    let read = codegen::read::read_spec(spec_text).map_err(|e| format!("{spec_name}: {e}"))?;
    let settings = codegen::Settings::for_name(name);
    let crates = Part::ALL
        .into_iter()
        .map(|part| {
            let lib = match part {
                Part::Types => {
                    codegen::generate_types_with_settings(&read.spec, spec_name, &settings)
                }
                Part::Client => {
                    codegen::generate_client_with_settings(&read.spec, spec_name, &settings)
                }
                Part::Server => {
                    codegen::generate_server_with_settings(&read.spec, spec_name, &settings)
                }
            };
            Crate {
                part,
                package: format!("{name}-{}", part.suffix()),
                lib,
            }
        })
        .collect();
    Ok(Workspace {
        name: name.to_owned(),
        spec_name: spec_name.to_owned(),
        warnings: read.dropped,
        crates,
        extra: Vec::new(),
    })
}

/// A cargo package name stem: ASCII letters, digits, `-`, `_`, starting with a letter.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "--name {name:?}: use ASCII letters, digits, `-` and `_`, starting with a letter"
        ))
    }
}

impl Workspace {
    /// The crate of `part`.
    pub fn part(&self, part: Part) -> &Crate {
        self.crates
            .iter()
            .find(|c| c.part == part)
            .expect("generate() makes every part")
    }

    /// Writes the workspace under `out` (files whose text is unchanged are left alone, so cargo
    /// does not rebuild them). `repo` is this repository's root: the runtimes are
    /// `repo/crates/acs-*`. `lock` (this repository's `Cargo.lock`) pins the same versions
    /// when the workspace has no lock yet. A refused crate's directory is removed.
    pub fn write(&self, out: &Path, repo: &Path, lock: Option<&[u8]>) -> Result<(), String> {
        let mut members = Vec::new();
        for c in &self.crates {
            let dir = out.join(&c.package);
            let Ok(lib) = &c.lib else {
                if dir.join("Cargo.toml").is_file() {
                    std::fs::remove_dir_all(&dir)
                        .map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
                }
                continue;
            };
            let manifest = self.manifest(c, lib, repo)?;
            write_file(&dir.join("Cargo.toml"), &manifest)?;
            write_file(&dir.join("src/lib.rs"), lib)?;
            members.push(c.package.clone());
        }
        for (dir, files) in &self.extra {
            for (path, text) in files {
                write_file(&out.join(dir).join(path), text)?;
            }
            members.push(dir.clone());
        }
        let mut manifest = format!(
            "# Written by `cargo xtask codegen --name {}` from {}; regenerate rather than edit.\n\
             [workspace]\nresolver = \"2\"\nmembers = [\n",
            self.name, self.spec_name
        );
        for m in &members {
            let _ = writeln!(manifest, "    {m:?},");
        }
        manifest.push_str("]\n");
        write_file(&out.join("Cargo.toml"), &manifest)?;
        write_file(&out.join("README.md"), &self.readme(repo))?;
        if let (Some(lock), false) = (lock, out.join("Cargo.lock").exists()) {
            std::fs::write(out.join("Cargo.lock"), lock)
                .map_err(|e| format!("cannot write {}: {e}", out.join("Cargo.lock").display()))?;
        }
        Ok(())
    }

    /// `Cargo.toml` of one generated crate: the crates its code names, the ones only its doc
    /// examples name as dev-dependencies.
    fn manifest(&self, c: &Crate, lib: &str, repo: &Path) -> Result<String, String> {
        let own = format!("{}_{}", self.name.replace('-', "_"), c.part.suffix());
        let (deps, dev) = dependencies(lib, &own);
        let mut out = format!(
            "# GENERATED by `cargo xtask codegen --name {}` from {}: regenerate rather than edit.\n\
             [package]\nname = \"{}\"\ndescription = \"{} (generated from {})\"\n\
             version = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n",
            self.name,
            self.spec_name,
            c.package,
            c.part.what(),
            self.spec_name
        );
        for dep in &deps {
            let line = self.dependency_line(dep, repo).ok_or_else(|| {
                format!(
                    "{}: the generated code names `::{dep}::`, which has no dependency line in \
                     xtask/src/workspace.rs (KNOWN); add it there",
                    c.package
                )
            })?;
            let _ = writeln!(out, "{line}");
        }
        let dev: Vec<String> = dev
            .iter()
            .filter_map(|d| self.dependency_line(d, repo))
            .collect();
        if !dev.is_empty() {
            out.push_str("\n# crates the doc examples use\n[dev-dependencies]\n");
            for line in dev {
                let _ = writeln!(out, "{line}");
            }
        }
        Ok(out)
    }

    /// The manifest line of the crate a path names: a sibling generated crate, a runtime of
    /// this repository (by path), or a crates.io crate at the version this repository uses.
    fn dependency_line(&self, krate: &str, repo: &Path) -> Option<String> {
        let stem = self.name.replace('-', "_");
        for part in Part::ALL {
            if krate == format!("{stem}_{}", part.suffix()) {
                return Some(format!(
                    "{}-{} = {{ path = \"../{}-{}\" }}",
                    self.name,
                    part.suffix(),
                    self.name,
                    part.suffix()
                ));
            }
        }
        if let Some(runtime) = RUNTIMES.iter().find(|r| r.replace('-', "_") == krate) {
            let path = repo.join("crates").join(runtime);
            return Some(format!(
                "{runtime} = {{ path = {:?} }}",
                path.display().to_string()
            ));
        }
        KNOWN
            .iter()
            .find(|(name, _)| name.replace('-', "_") == krate)
            .map(|(name, spec)| format!("{name} = {spec}"))
    }

    fn readme(&self, repo: &Path) -> String {
        let mut out = format!(
            "# {name}: generated from {spec}\n\n\
             Written by `cargo xtask codegen --spec … --out … --name {name}` (regenerate rather than\n\
             edit). Crates:\n\n",
            name = self.name,
            spec = self.spec_name
        );
        for c in &self.crates {
            match &c.lib {
                Ok(_) => {
                    let _ = writeln!(out, "- `{}`: {}", c.package, c.part.what());
                }
                Err(e) => {
                    let _ = writeln!(
                        out,
                        "- `{}`: not generated:\n\n```text\n{e}\n```\n",
                        c.package
                    );
                }
            }
        }
        let _ = write!(
            out,
            "\nThe hand-written runtimes (`acs-types`, `acs-client`, `acs-server`, `acs-protocol`) are\n\
             not published; the manifests refer to them by path in `{}`.\n",
            repo.join("crates").display()
        );
        out
    }
}

/// The hand-written runtime crates, referred to by path.
pub const RUNTIMES: &[&str] = &["acs-types", "acs-client", "acs-server", "acs-protocol"];

/// crates.io crates generated code (or its doc examples) may name, with the versions and
/// features this repository's workspace uses. A crate missing here is an error naming it.
pub const KNOWN: &[(&str, &str)] = &[
    ("serde", r#"{ version = "1", features = ["derive"] }"#),
    ("serde_json", r#""1""#),
    ("thiserror", r#""2""#),
    ("regex", r#""1""#),
    ("http", r#""1""#),
    ("bytes", r#""1""#),
    ("http-body-util", r#""0.1""#),
    ("serde_urlencoded", r#""0.7""#),
    ("form_urlencoded", r#""1""#),
    ("percent-encoding", r#""2""#),
    ("base64", r#""0.22""#),
    ("futures", r#""0.3""#),
    ("async-trait", r#""0.1""#),
    ("axum", r#""0.8""#),
    ("tokio", r#"{ version = "1", features = ["full"] }"#),
    ("tower", r#"{ version = "0.5", features = ["util"] }"#),
    (
        "reqwest",
        r#"{ version = "0.12", default-features = false, features = ["json", "rustls-tls"] }"#,
    ),
    (
        "time",
        r#"{ version = "0.3", features = ["formatting", "parsing", "macros"] }"#,
    ),
];

/// Paths that are not crates.
const NOT_CRATES: &[&str] = &["std", "core", "alloc", "crate", "self", "super", "Self"];

/// `::name::` at the start of a path (in code, strings included: `deserialize_with = "::x::y"`).
static ABSOLUTE: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?:^|[^A-Za-z0-9_:])::([A-Za-z_][A-Za-z0-9_]*)::").expect("valid regex")
});

/// `name::` in a doc example (`use my_api_client::Client;`, `#[tokio::main]`).
static RELATIVE: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?:^|[^A-Za-z0-9_:])([a-z_][a-z0-9_]*)::").expect("valid regex")
});

/// The crates `lib` names: (in its code, only in its compiled doc examples), sorted, without
/// `std` and without the crate itself (`own`). Generated code writes every path fully
/// qualified (`::serde::Serialize`), so its dependencies are exactly the roots of those paths;
/// doc examples are read for the crates this module knows ([`KNOWN`], [`RUNTIMES`], siblings).
pub fn dependencies(lib: &str, own: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut deps = BTreeSet::new();
    let mut doc_deps = BTreeSet::new();
    // Inside a fenced block of a doc comment, and whether rustdoc compiles that block.
    let (mut in_block, mut in_example) = (false, false);
    for line in lib.lines() {
        let trimmed = line.trim_start();
        let doc = trimmed
            .strip_prefix("//!")
            .or_else(|| trimmed.strip_prefix("///"));
        match doc {
            Some(doc) => {
                let doc = doc.trim_start();
                if let Some(fence) = doc.strip_prefix("```") {
                    in_block = !in_block;
                    // `text`/`ignore` blocks are not compiled.
                    in_example = in_block && !matches!(fence.trim(), "text" | "ignore");
                    continue;
                }
                if in_example {
                    for cap in RELATIVE.captures_iter(doc) {
                        doc_deps.insert(cap[1].to_owned());
                    }
                }
            }
            None if trimmed.starts_with("//") => {}
            None => {
                for cap in ABSOLUTE.captures_iter(line) {
                    deps.insert(cap[1].to_owned());
                }
            }
        }
    }
    let keep = |name: &String| !NOT_CRATES.contains(&name.as_str()) && name != own;
    deps.retain(keep);
    doc_deps.retain(|d| keep(d) && !deps.contains(d));
    (deps, doc_deps)
}

/// Writes `text` to `path` unless it already holds exactly that (creating directories).
fn write_file(path: &Path, text: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// `--spec FILE --out DIR --name NAME`, in any order.
pub struct Args {
    pub spec: PathBuf,
    pub out: PathBuf,
    pub name: String,
}

impl Args {
    /// `None` when `args` has none of the three flags (the project's own codegen).
    pub fn parse(args: &[String]) -> Result<Option<Args>, String> {
        if !args
            .iter()
            .any(|a| matches!(a.as_str(), "--spec" | "--out" | "--name"))
        {
            return Ok(None);
        }
        let (mut spec, mut out, mut name) = (None, None, None);
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            let slot = match flag.as_str() {
                "--spec" => &mut spec,
                "--out" => &mut out,
                "--name" => &mut name,
                other => return Err(format!("unexpected argument {other:?}")),
            };
            let value = it
                .next()
                .ok_or_else(|| format!("{flag} needs a value"))?
                .clone();
            if slot.replace(value).is_some() {
                return Err(format!("{flag} given twice"));
            }
        }
        match (spec, out, name) {
            (Some(spec), Some(out), Some(name)) => check_name(&name).map(|()| {
                Some(Args {
                    spec: spec.into(),
                    out: out.into(),
                    name,
                })
            }),
            _ => Err("--spec FILE, --out DIR and --name NAME go together".to_owned()),
        }
    }
}

/// The task: generate and write the workspace; `Err` (after writing the rest) when a crate was
/// refused, listing every refusal.
pub fn run(repo: &Path, args: &Args) -> Result<(), String> {
    let text = std::fs::read_to_string(&args.spec)
        .map_err(|e| format!("cannot read {}: {e}", args.spec.display()))?;
    let spec_name = args
        .spec
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| args.spec.display().to_string());
    let ws = generate(&text, &spec_name, &args.name)?;
    for w in &ws.warnings {
        eprintln!("warning: {w}");
    }
    let lock = std::fs::read(repo.join("Cargo.lock")).ok();
    ws.write(&args.out, repo, lock.as_deref())?;
    let mut refused = Vec::new();
    for c in &ws.crates {
        match &c.lib {
            Ok(_) => println!(
                "codegen: wrote {}",
                args.out.join(&c.package).join("src/lib.rs").display()
            ),
            Err(e) => refused.push(format!("{} not generated:\n{e}", c.package)),
        }
    }
    if refused.is_empty() {
        println!(
            "codegen: workspace {} ready (`cargo check` there)",
            args.out.display()
        );
        Ok(())
    } else {
        Err(refused.join("\n"))
    }
}
