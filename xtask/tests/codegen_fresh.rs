//! The drift check inside plain `cargo test`: the checked-in generated crates must equal what
//! `spec/dataworks.yaml` generates (rust-analyzer's `ensure_file_contents` idea). And the check
//! itself is tested: an edit of the spec that changes the output makes it fail with a diff.

use std::path::{Path, PathBuf};
use xtask::codegen::{drift, generate, read_spec, run, stale_files, OUTPUTS, SPEC};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

#[test]
fn checked_in_generated_code_is_fresh() {
    let spec = read_spec(&root()).expect("spec/dataworks.yaml is readable");
    let drifts = drift(&root(), &spec).expect("the spec generates");
    let report: Vec<String> = drifts.iter().map(|d| d.diff.clone()).collect();
    assert!(
        drifts.is_empty(),
        "generated code is stale: run `cargo xtask codegen` and commit\n{}",
        report.join("\n")
    );
}

#[test]
fn generating_twice_gives_identical_bytes() {
    let spec = read_spec(&root()).expect("spec/dataworks.yaml is readable");
    assert_eq!(generate(&spec).unwrap(), generate(&spec).unwrap());
}

/// A copy of the spec with one description changed (a real edit, in memory).
fn edited(spec: &str) -> String {
    let mut doc: serde_yaml::Value = serde_yaml::from_str(spec).unwrap();
    let info = doc
        .get_mut("info")
        .and_then(|i| i.as_mapping_mut())
        .expect("the spec has info");
    info.insert("title".into(), "An edited title".into());
    serde_yaml::to_string(&doc).unwrap()
}

#[test]
fn the_check_fails_with_a_diff_after_a_spec_edit() {
    let spec = read_spec(&root()).expect("spec/dataworks.yaml is readable");
    // A scratch root holding exactly what the current spec generates: no drift...
    let scratch = tempfile::tempdir().unwrap();
    for (path, text) in generate(&spec).unwrap() {
        let full = scratch.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    assert!(drift(scratch.path(), &spec).unwrap().is_empty());
    // ...until the spec changes.
    let drifts = drift(scratch.path(), &edited(&spec)).unwrap();
    let types = drifts
        .iter()
        .find(|d| d.path == Path::new(OUTPUTS[0].0))
        .expect("the types crate drifted");
    assert!(
        types.diff.contains("+//! Models of An edited title"),
        "{}",
        types.diff
    );
    assert!(
        types
            .diff
            .starts_with("--- a/crates/dataworks-types/src/lib.rs\n+++ b/"),
        "{}",
        types.diff
    );
}

#[test]
fn a_leftover_file_in_a_generated_crate_is_drift_and_codegen_deletes_it() {
    let spec = read_spec(&root()).expect("spec/dataworks.yaml is readable");
    let scratch = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let full = scratch.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    };
    write(SPEC, &spec);
    for (path, text) in generate(&spec).unwrap() {
        write(path.to_str().unwrap(), &text);
    }
    // What an older generator wrote (the client runtime modules now in `acs-client`), one of
    // them in a subdirectory, and hand-written files next to `src/`, which are not generated.
    write(
        "crates/dataworks-client/src/retry.rs",
        "pub struct RetryPolicy;\n",
    );
    write("crates/dataworks-client/src/old/mod.rs", "// old\n");
    write(
        "crates/dataworks-client/tests/uses_the_client.rs",
        "// mine\n",
    );
    write("crates/dataworks-client/Cargo.toml", "[package]\n");

    let drifts = drift(scratch.path(), &spec).unwrap();
    let paths: Vec<&Path> = drifts.iter().map(|d| d.path.as_path()).collect();
    assert_eq!(
        paths,
        [
            Path::new("crates/dataworks-client/src/old/mod.rs"),
            Path::new("crates/dataworks-client/src/retry.rs"),
        ]
    );
    assert!(
        drifts[1].diff.starts_with(
            "--- a/crates/dataworks-client/src/retry.rs\n+++ /dev/null\n@@ -1 +0,0 @@\n-pub struct RetryPolicy;"
        ),
        "{}",
        drifts[1].diff
    );

    run(scratch.path(), &[]).unwrap();
    assert!(stale_files(scratch.path()).unwrap().is_empty());
    assert!(drift(scratch.path(), &spec).unwrap().is_empty());
    assert!(!scratch
        .path()
        .join("crates/dataworks-client/src/retry.rs")
        .exists());
    for kept in [
        "crates/dataworks-client/tests/uses_the_client.rs",
        "crates/dataworks-client/Cargo.toml",
        "crates/dataworks-client/src/lib.rs",
    ] {
        assert!(scratch.path().join(kept).exists(), "{kept}");
    }
}

#[test]
fn an_invalid_spec_is_reported_not_panicked_on() {
    let err = generate("openapi: 3.0.3\ninfo: [not, a, map]\n").unwrap_err();
    assert!(
        err.contains("spec/dataworks.yaml is not a valid OpenAPI 3.0 document"),
        "{err}"
    );
}
