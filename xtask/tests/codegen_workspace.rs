//! `cargo xtask codegen --spec FILE --out DIR --name NAME` run as a process, as a user would:
//! the workspace it writes holds `NAME-types`, `NAME-client` and `NAME-server`, each listing
//! exactly the crates its code names, and it builds there. The build goes to
//! `target/corpus/target`, the directory `cargo xtask corpus` shares, so dependencies build once.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("xtask runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The keys of a manifest's `[section]`.
fn section(manifest: &Path, section: &str) -> Vec<String> {
    let text = std::fs::read_to_string(manifest).expect("manifest is written");
    let header = format!("[{section}]");
    text.lines()
        .skip_while(|l| l.trim() != header)
        .skip(1)
        .take_while(|l| !l.starts_with('['))
        .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim().to_owned()))
        .collect()
}

#[test]
fn an_rpc_spec_becomes_a_workspace_of_three_crates_that_compiles() {
    let out = tempfile::tempdir().unwrap();
    let spec = root().join("crates/codegen/tests/fixtures/rpc.yaml");
    let run = xtask(&[
        "codegen",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--name",
        "fixture-api",
    ]);
    assert!(run.status.success(), "{}", text(&run));

    let dir = out.path();
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    for member in [
        "fixture-api-types",
        "fixture-api-client",
        "fixture-api-server",
    ] {
        assert!(manifest.contains(&format!("{member:?}")), "{manifest}");
    }
    // Exactly the crates each generated file names (sorted by crate name).
    assert_eq!(
        section(&dir.join("fixture-api-types/Cargo.toml"), "dependencies"),
        ["acs-types", "regex", "serde", "serde_json"]
    );
    assert_eq!(
        section(&dir.join("fixture-api-client/Cargo.toml"), "dependencies"),
        ["acs-client", "fixture-api-types", "http"]
    );
    assert_eq!(
        section(&dir.join("fixture-api-server/Cargo.toml"), "dependencies"),
        ["acs-server", "fixture-api-types"]
    );
    // The runtimes are not published: referred to by path into this repository.
    let client = std::fs::read_to_string(dir.join("fixture-api-client/Cargo.toml")).unwrap();
    let runtime = root().join("crates/acs-client");
    assert!(
        client.contains(&format!(
            "acs-client = {{ path = {:?} }}",
            runtime.display().to_string()
        )),
        "{client}"
    );
    // No crate name of the project's own leaks into another spec's crates.
    for krate in ["types", "client", "server"] {
        let lib =
            std::fs::read_to_string(dir.join(format!("fixture-api-{krate}/src/lib.rs"))).unwrap();
        assert!(
            !lib.contains("dataworks_"),
            "fixture-api-{krate} names dataworks_"
        );
    }

    let check = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        // `build` (not `check`): the artifacts are the ones `cargo xtask corpus` runs with.
        .args(["build", "--quiet", "--workspace"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", root().join("target/corpus/target"))
        .output()
        .expect("cargo runs");
    assert!(check.status.success(), "{}", text(&check));
}

#[test]
fn a_refused_crate_is_left_out_and_listed_and_the_others_are_written() {
    let out = tempfile::tempdir().unwrap();
    let spec = root().join("crates/codegen/tests/fixtures/rest.yaml");
    let run = xtask(&[
        "codegen",
        "--name",
        "rest-api",
        "--out",
        out.path().to_str().unwrap(),
        "--spec",
        spec.to_str().unwrap(),
    ]);
    let dir = out.path();
    assert!(dir.join("rest-api-types/src/lib.rs").is_file());
    assert!(dir.join("rest-api-server/src/lib.rs").is_file());
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    if dir.join("rest-api-client/src/lib.rs").is_file() {
        // The client emitter serves REST: all three crates, success.
        assert!(run.status.success(), "{}", text(&run));
        assert!(manifest.contains("\"rest-api-client\""), "{manifest}");
    } else {
        // Refused: the task fails naming the crate and each refusal's pointer.
        assert!(!run.status.success());
        let said = text(&run);
        assert!(said.contains("rest-api-client not generated"), "{said}");
        assert!(said.contains("rest.yaml#/paths/"), "{said}");
        assert!(!manifest.contains("\"rest-api-client\""), "{manifest}");
    }
}

#[test]
fn flags_are_checked_before_anything_is_written() {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("ws");
    for (args, said) in [
        (
            vec![
                "codegen",
                "--spec",
                "x.yaml",
                "--out",
                target.to_str().unwrap(),
            ],
            "go together",
        ),
        (
            vec![
                "codegen",
                "--spec",
                "x.yaml",
                "--out",
                target.to_str().unwrap(),
                "--name",
                "9lives",
            ],
            "starting with a letter",
        ),
        (vec!["codegen", "--name"], "--name needs a value"),
        (vec!["codegen", "--bogus"], "usage"),
    ] {
        let run = xtask(&args);
        assert!(!run.status.success(), "{args:?}");
        assert!(text(&run).contains(said), "{args:?}: {}", text(&run));
    }
    assert!(!target.exists());
}
