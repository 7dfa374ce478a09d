//! Development tasks behind `cargo xtask`. The library part holds what tests reuse.

pub mod codegen;
pub mod workspace;
