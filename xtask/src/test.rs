//! `cargo xtask test`: the whole suite behind one command, so CI and a developer run the same thing.
//!
//! Steps run in order and stop at the first failure: formatting, the codegen drift check, clippy,
//! every workspace test (SQLite always; PostgreSQL through `DATAWORKS_TEST_POSTGRES_URL`), the
//! generator over the public spec corpus (`cargo xtask corpus`), the official Alibaba Cloud SDKs against the real binary (on SQLite and on PostgreSQL), the bounded
//! reliability suite on the same binary (`tests/reliability/run.py`, seeded; the full run is
//! `cargo xtask reliability`), the API Explorer page in Debian's headless chromium
//! (`tests/explorer`), and the benchmark harness in quick mode so it keeps working.

use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Where the suite finds PostgreSQL when the caller did not say.
const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub struct Options {
    /// Skip the SDK interop and the quick bench (for a fast inner loop).
    pub quick: bool,
}

pub fn run(root: &Path, options: &Options) -> Result<(), String> {
    let postgres_url = std::env::var("DATAWORKS_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned());
    require_postgres(&postgres_url)?;

    step(root, "fmt", "cargo", &["fmt", "--all", "--check"], &[])?;
    step(
        root,
        "codegen check",
        "cargo",
        &["xtask", "codegen", "--check"],
        &[],
    )?;
    step(
        root,
        "clippy",
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    step(
        root,
        "tests (SQLite + PostgreSQL)",
        "cargo",
        &["test", "--workspace"],
        &[("DATAWORKS_TEST_POSTGRES_URL", postgres_url.as_str())],
    )?;
    if options.quick {
        return Ok(());
    }
    // The generator over the public spec corpus: three crates per spec built in the shared
    // `target/corpus/target` (built once, kept between runs), examples round-tripped, one
    // loopback call per spec.
    step(root, "spec corpus", "cargo", &["xtask", "corpus"], &[])?;
    let server = root.join("target/debug/dataworks-server");
    let server = server.to_string_lossy();
    let interop = "tests/sdk-interop/run.py";
    step(
        root,
        "SDK interop (SQLite)",
        "python3",
        &[interop, "--server-bin", &server],
        &[],
    )?;
    step(
        root,
        "SDK interop (PostgreSQL)",
        "python3",
        &[
            interop,
            "--server-bin",
            &server,
            "--postgres-url",
            &postgres_url,
        ],
        &[],
    )?;
    let mut reliability: Vec<&str> = crate::reliability::BOUNDED_ARGS.to_vec();
    reliability.extend(["--server-bin", &server, "--postgres-url", &postgres_url]);
    step(root, "reliability (bounded)", "python3", &reliability, &[])?;
    explorer(root, &server)?;
    if root.join("xtask/src/bench.rs").exists() {
        step(
            root,
            "bench (quick)",
            "cargo",
            &["xtask", "bench", "--quick"],
            &[],
        )?;
    }
    Ok(())
}

/// The API Explorer's tests: the signer in Node, the page in Debian's `chromium` (installed with
/// apt-get when missing: never a browser download), driven by `playwright-core` and checked by
/// `axe-core`, both pinned by `tests/explorer/package-lock.json`.
fn explorer(root: &Path, server: &str) -> Result<(), String> {
    if !Path::new("/usr/bin/chromium").exists() {
        step(
            root,
            "explorer: apt-get update",
            "apt-get",
            &["update", "-qq"],
            &[],
        )?;
        step(
            root,
            "explorer: install chromium",
            "apt-get",
            &["install", "-y", "-qq", "chromium"],
            &[("DEBIAN_FRONTEND", "noninteractive")],
        )?;
    }
    let dir = root.join("tests/explorer");
    step(
        &dir,
        "explorer: npm ci",
        "npm",
        &["ci", "--no-audit", "--no-fund", "--loglevel=error"],
        &[],
    )?;
    step(
        &dir,
        "explorer (headless chromium)",
        "node",
        &[
            "--test",
            "--test-concurrency=1",
            "signer.test.mjs",
            "e2e.test.mjs",
        ],
        &[("DATAWORKS_SERVER_BIN", server)],
    )
}

/// PostgreSQL is part of the suite, not optional: without it half of the storage tests would
/// silently not run, so an unreachable server fails the run up front with a clear message.
fn require_postgres(url: &str) -> Result<(), String> {
    let addr = postgres_addr(url).ok_or_else(|| format!("cannot read host:port from {url}"))?;
    TcpStream::connect_timeout(&addr, Duration::from_secs(3))
        .map(drop)
        .map_err(|e| format!("PostgreSQL at {addr} is unreachable ({e}); start it or set DATAWORKS_TEST_POSTGRES_URL"))
}

fn postgres_addr(url: &str) -> Option<SocketAddr> {
    let rest = url.split_once("://")?.1;
    let host_port = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let host_port = host_port.split(['/', '?']).next()?;
    let (host, port) = host_port.rsplit_once(':').unwrap_or((host_port, "5432"));
    let host = if host == "localhost" {
        "127.0.0.1"
    } else {
        host
    };
    format!("{host}:{port}").parse().ok()
}

pub(crate) fn step(
    root: &Path,
    name: &str,
    program: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> Result<(), String> {
    println!("==> {name}: {program} {}", args.join(" "));
    let started = Instant::now();
    let status = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root)
        .status()
        .map_err(|e| format!("{name}: cannot start {program}: {e}"))?;
    let elapsed = started.elapsed().as_secs_f32();
    if status.success() {
        println!("==> {name}: ok in {elapsed:.1}s");
        Ok(())
    } else {
        Err(format!("{name} failed ({status}) after {elapsed:.1}s"))
    }
}

#[cfg(test)]
mod tests {
    use super::postgres_addr;

    #[test]
    fn reads_host_and_port_from_postgres_urls() {
        assert_eq!(
            postgres_addr("postgres://postgres@127.0.0.1:5432/postgres"),
            Some("127.0.0.1:5432".parse().unwrap())
        );
        assert_eq!(
            postgres_addr("postgres://u:p@localhost:6000/db?sslmode=disable"),
            Some("127.0.0.1:6000".parse().unwrap())
        );
        assert_eq!(
            postgres_addr("postgres://127.0.0.1/db"),
            Some("127.0.0.1:5432".parse().unwrap())
        );
        assert_eq!(postgres_addr("not a url"), None);
    }
}
