//! Benchmarks of the DataWorks connection API (issue 8). Performance is measured here, never
//! asserted in a timed test: this machine has 2 noisy cores, so every comparison is a ratio
//! taken in one run, interleaved, over at least 3 repetitions, reported as min/median/max.
//!
//! | part | what |
//! |---|---|
//! | [`reference`] | `reference-server`: the same work as UpdateConnection, hand-written, no generated layers |
//! | [`presign`] | requests signed ahead of a run (V3, unique nonces, fresh timestamps) |
//! | [`load`] | the loopback load generator: hyper HTTP/1.1, N keep-alive connections, closed loop |
//! | [`server`] | starting a server process on a fresh database, its bootstrap key, its RSS |
//! | [`stats`] | percentiles and min/median/max over repetitions |
//! | [`harness`] | the scenarios behind `cargo xtask bench` and the markdown they produce |
//!
//! `benches/generated_layer.rs` (criterion) times the generated router in-process.

pub mod harness;
pub mod load;
pub mod presign;
pub mod reference;
pub mod server;
pub mod stats;
