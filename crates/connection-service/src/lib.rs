//! The DataWorks connection service: business rules, storage, secrets, and what the
//! `dataworks-server` binary needs.
//!
//! - [`domain::ConnectionService`]: the five connection operations with the documented
//!   authorization order; the API adapter calls it.
//! - [`store`]: one [`store::Store`] trait, SQLite (embedded default) and PostgreSQL.
//! - [`crypto`] and [`content`]: secrets in Content and AccessKeys sealed with AES-256-GCM,
//!   masked in answers.
//! - [`network`]: TestNetworkConnection's TCP probe with a deny list.
//! - [`access_keys`] and [`nonce`]: what signature verification needs (credential lookup,
//!   shared replay caches).
//! - [`admin`], [`bootstrap`], [`config`], [`http`]: operator tasks, first start, settings, and
//!   the health endpoints.
//! - [`explorer`]: the API Explorer page at `/explorer` (embedded assets, generated metadata)
//!   and the troubleshoot links in every error answer.
//! - [`test_controls`]: `--test-controls`, the `/_test/` endpoints (reset, faults, request log)
//!   for test suites that use this server as a test double.

pub mod access_keys;
pub mod admin;
pub mod api;
pub mod app;
pub mod auth;
pub mod bootstrap;
pub mod cli;
pub mod config;
pub mod connections;
pub mod content;
pub mod crypto;
pub mod domain;
pub mod explorer;
pub mod http;
pub mod log_writer;
pub mod metrics;
pub mod network;
pub mod nonce;
pub mod redact;
pub mod revocation;
pub mod store;
pub mod test_controls;
