//! `cargo xtask <task>`: development tasks (matklad's xtask pattern). Run without arguments for
//! the list.

mod bench;
mod corpus;
mod reliability;
mod test;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

type Task = fn(&Path, &[String]) -> Result<(), String>;

/// Every task: name, one-line help, entry point. Adding a task is one line here.
const TASKS: &[(&str, &str, Task)] = &[
    ("codegen", "regenerate the generated crates from spec/dataworks.yaml; --check: fail with a diff if stale; --spec FILE --out DIR --name NAME: another spec -> a workspace with NAME-types, NAME-client, NAME-server", xtask::codegen::run),
    ("bench", "benchmarks: release build, load vs the reference, criterion, scale, codegen -> BENCHMARKS.md; --quick: debug smoke run -> target/bench-quick.md", bench::run),
    ("corpus", "the generator over ../shared/spec-corpus (or DIR): one row per spec (generate / types, client, server compile / examples round-tripped / loopback call); scratch workspaces in target/corpus", corpus::run),
    ("test", "the whole suite: fmt, codegen check, clippy, tests (SQLite + PostgreSQL), spec corpus, SDK interop, bounded reliability, explorer, quick bench; --quick stops after the tests", run_test),
    ("reliability", "full reliability suite (release server: schemathesis, crashes, restarts, replicas, floods) + 10 min cargo-fuzz per target -> RELIABILITY.md", reliability::run),
];

fn run_test(root: &Path, args: &[String]) -> Result<(), String> {
    let quick = match args {
        [] => false,
        [flag] if flag == "--quick" => true,
        _ => return Err(format!("usage: cargo xtask test [--quick] (got {args:?})")),
    };
    test::run(root, &test::Options { quick })
}

/// The workspace root: xtask lives one level below it.
fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map_or(manifest.clone(), Path::to_path_buf)
}

fn help() {
    println!("usage: cargo xtask <task> [args]\n\ntasks:");
    for (name, summary, _) in TASKS {
        println!("  {name:<10} {summary}");
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((name, rest)) = args.split_first() else {
        help();
        return ExitCode::SUCCESS;
    };
    let Some((_, _, task)) = TASKS.iter().find(|(n, _, _)| n == name) else {
        eprintln!("xtask: unknown task `{name}`\n");
        help();
        return ExitCode::FAILURE;
    };
    match task(&root(), rest) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
