//! The client emitter's checked-in REST goldens (`tests/client_goldens/`, compiled and exercised
//! against the generated server over loopback by `rest_pair.rs`) equal fresh generator output.
//! Apart from `rest_pair.rs` so that `UPDATE_GOLDENS=1 cargo test -p codegen --test
//! client_golden_fresh` can rewrite stale goldens even when they no longer compile.

mod common;

use std::path::PathBuf;

/// (fixture, module path of its types golden in `rest_pair.rs`).
const FIXTURES: &[(&str, &str)] = &[("rest_io", "crate::rest_io")];

fn golden_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/client_goldens")
        .join(format!("{name}.rs"))
}

fn generate(name: &str, types_path: &str) -> String {
    codegen::generate_client_with(&common::load(name), &format!("{name}.yaml"), types_path)
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn client_goldens_equal_fresh_generator_output() {
    let update = std::env::var_os("UPDATE_GOLDENS").is_some();
    let mut stale = Vec::new();
    for (name, types_path) in FIXTURES {
        let fresh = generate(name, types_path);
        let path = golden_path(name);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == fresh {
            continue;
        }
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).expect("golden dir is writable");
            std::fs::write(&path, &fresh).expect("golden is writable");
        } else {
            let diff = similar::TextDiff::from_lines(&current, &fresh)
                .unified_diff()
                .header("golden", "fresh")
                .to_string();
            stale.push(format!("{}:\n{diff}", path.display()));
        }
    }
    assert!(
        stale.is_empty(),
        "stale client goldens; rerun with UPDATE_GOLDENS=1 and review:\n{}",
        stale.join("\n")
    );
}

#[test]
fn generating_twice_gives_identical_bytes() {
    for (name, types_path) in FIXTURES {
        assert_eq!(
            generate(name, types_path),
            generate(name, types_path),
            "{name}"
        );
    }
}
