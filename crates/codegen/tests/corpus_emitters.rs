//! The client and server emitters over every corpus spec (`SPEC_CORPUS_DIR`, default
//! `../shared/spec-corpus`): each spec gives both files (formatted Rust), or refusals whose
//! pointers resolve in the spec. Compiling the output is `cargo xtask corpus`'s job.

use serde_json::Value;
use std::path::PathBuf;

fn corpus() -> Vec<PathBuf> {
    let dir = std::env::var_os("SPEC_CORPUS_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec-corpus"),
        PathBuf::from,
    );
    if !dir.is_dir() {
        eprintln!("note: ../shared/spec-corpus is absent; corpus test skipped");
        return Vec::new();
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("corpus dir is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_corpus_spec_gets_a_client_and_a_server_or_refusals_that_resolve() {
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for path in corpus() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok(read) = codegen::read::read_spec(&text) else {
            continue; // `corpus_faithful.rs` reports unreadable specs
        };
        let settings = codegen::Settings::for_name("corpus");
        let outputs = [
            (
                "client",
                codegen::generate_client_with_settings(&read.spec, &name, &settings),
            ),
            (
                "server",
                codegen::generate_server_with_settings(&read.spec, &name, &settings),
            ),
        ];
        for (emitter, output) in outputs {
            match output {
                Ok(text) => {
                    report.push(format!("{name} {emitter}: {} lines", text.lines().count()))
                }
                Err(codegen::Error::Refused(refusals)) => {
                    report.push(format!(
                        "{name} {emitter}: refused ({})",
                        refusals.items.len()
                    ));
                    for r in &refusals.items {
                        let resolves = r
                            .pointer
                            .strip_prefix('#')
                            .and_then(|p| read.document.pointer(p))
                            .is_some_and(|v: &Value| !v.is_null());
                        if !resolves {
                            failures.push(format!(
                                "{name} {emitter}{}: refusal pointer does not resolve ({})",
                                r.pointer, r.reason
                            ));
                        }
                    }
                }
                Err(other) => failures.push(format!("{name} {emitter}: {other}")),
            }
        }
    }
    println!("{}", report.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
