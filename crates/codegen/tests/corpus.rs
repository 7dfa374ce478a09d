//! The generator over real public specs (`../shared/spec-corpus` beside the repository): it
//! never panics, and each spec gives either output or a clear list of refusals. Skipped, with a
//! note, when the folder is absent.

use std::path::PathBuf;

fn corpus_dir() -> Option<PathBuf> {
    // `SPEC_CORPUS_DIR` points elsewhere (a git worktree is not beside `shared/`).
    let dir = std::env::var_os("SPEC_CORPUS_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec-corpus"),
        PathBuf::from,
    );
    dir.is_dir().then_some(dir)
}

/// One line per spec: what the generator made of it.
fn outcome(path: &std::path::Path) -> String {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned();
    let text = std::fs::read_to_string(path).expect("corpus file is readable");
    // Read tolerantly, as `cargo xtask corpus` does (peertube's callback `$ref`s are dropped).
    let spec = match codegen::read::read_spec(&text) {
        Ok(read) => read.spec,
        Err(e) => return format!("{name}: not read: {e}"),
    };
    let result = std::panic::catch_unwind(|| codegen::generate_types(&spec, &name));
    match result {
        Err(_) => format!("{name}: PANIC"),
        Ok(Ok(code)) => {
            syn::parse_file(&code).expect("formatted output parses");
            let types = code.matches("\npub struct ").count() + code.matches("\npub enum ").count();
            format!("{name}: generated {types} structs/enums")
        }
        Ok(Err(codegen::Error::Refused(refusals))) => {
            assert!(!refusals.items.is_empty());
            for r in &refusals.items {
                assert!(r.pointer.starts_with("#/"), "{name}: pointer {}", r.pointer);
                assert!(!r.reason.is_empty());
            }
            let mut lines = vec![format!("{name}: refused ({})", refusals.items.len())];
            lines.extend(
                refusals
                    .items
                    .iter()
                    .map(|r| format!("    {}: {}", r.pointer, r.reason)),
            );
            lines.join("\n")
        }
        Ok(Err(other)) => format!("{name}: error {other}"),
    }
}

#[test]
fn corpus_specs_give_output_or_a_clear_refusal_and_never_panic() {
    let Some(dir) = corpus_dir() else {
        eprintln!("note: ../shared/spec-corpus is absent; corpus test skipped");
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("corpus dir is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let outcomes: Vec<String> = files.iter().map(|p| outcome(p)).collect();
    let report = outcomes.join("\n");
    assert!(!report.contains("PANIC"), "{report}");
    assert!(!report.contains(": error "), "{report}");
    insta::assert_snapshot!(report);
}
