//! The checked-in goldens equal fresh generator output. Kept apart from `goldens.rs` (which
//! compiles them) so that `UPDATE_GOLDENS=1 cargo test -p codegen --test golden_fresh` can rewrite
//! stale goldens even when they no longer compile with the behaviour tests.

mod common;

const FIXTURES: &[&str] = &["rpc", "rest", "aws", "rest_io"];

#[test]
fn goldens_equal_fresh_generator_output() {
    let update = std::env::var_os("UPDATE_GOLDENS").is_some();
    let mut stale = Vec::new();
    for name in FIXTURES {
        let fresh = common::generate(name);
        let path = common::golden_path(name);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == fresh {
            continue;
        }
        if update {
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
        "stale goldens; rerun with UPDATE_GOLDENS=1 and review:\n{}",
        stale.join("\n")
    );
}
