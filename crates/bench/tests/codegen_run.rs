//! `codegen-run`, the process the codegen comparison times, writes exactly what
//! `cargo xtask codegen` generates, under the directory it is given.

use std::process::Command;

#[test]
fn writes_every_generated_file_into_the_given_directory() {
    let root = bench::harness::workspace_root(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
    let spec = root.join(xtask::codegen::SPEC);
    let out = tempfile::tempdir().expect("tempdir");
    let status = Command::new(env!("CARGO_BIN_EXE_codegen-run"))
        .arg(&spec)
        .arg(out.path())
        .status()
        .expect("runs");
    assert!(status.success());
    let text = std::fs::read_to_string(&spec).expect("spec");
    let expected = xtask::codegen::generate(&text).expect("generates");
    assert!(expected.len() >= 3);
    for (path, contents) in expected {
        let written = std::fs::read_to_string(out.path().join(&path)).expect("written");
        assert_eq!(written, contents, "{}", path.display());
    }
    assert!(Command::new(env!("CARGO_BIN_EXE_codegen-run"))
        .status()
        .is_ok_and(|s| !s.success()));
}
