//! Fixture loading shared by the generator's integration tests.

// Each test crate uses a different subset.
#![allow(dead_code)]

use std::path::PathBuf;

pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("{name}.yaml"))
}

pub fn golden_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/goldens")
        .join(format!("{name}.rs"))
}

pub fn load(name: &str) -> openapiv3::OpenAPI {
    let text = std::fs::read_to_string(fixture_path(name)).expect("fixture is readable");
    serde_yaml::from_str(&text).expect("fixture is valid OpenAPI")
}

/// The types output for a fixture, as `cargo xtask codegen` would write it.
pub fn generate(name: &str) -> String {
    codegen::generate_types(&load(name), &format!("{name}.yaml")).unwrap_or_else(|e| panic!("{e}"))
}
