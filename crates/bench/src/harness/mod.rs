//! The scenarios behind `cargo xtask bench`, run by the `bench-harness` binary. Every comparison
//! is taken in one invocation: the servers, backends and sizes alternate inside each repetition
//! (A B, then B A), so that drift of a noisy machine hits both sides of a ratio alike.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use http::Method;

use crate::load::{self, LoadResult};
use crate::presign::{self, Kind, Signer, Workload};
use crate::server::{free_addr, Launch, ServerProcess};
use crate::stats::Latency;

pub mod codegen;
pub mod criterion;
pub mod db;
pub mod report;

pub use db::Backend;

/// Which server a run measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ServerKind {
    /// The hand-written yardstick.
    Reference,
    /// The product, as deployed by default.
    Dataworks,
    /// The product with the in-process replay cache (`DATAWORKS_NONCE_STORE=memory`): on
    /// PostgreSQL the default is the shared PostgreSQL replay cache, one more durable INSERT per
    /// request than the reference's in-memory nonce set; this variant is the like-for-like one.
    DataworksMemoryNonces,
}

impl ServerKind {
    /// Name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Self::Reference => "reference-server",
            Self::Dataworks => "dataworks-server",
            Self::DataworksMemoryNonces => "dataworks-server (memory nonces)",
        }
    }
}

/// What the load sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mix {
    /// UpdateConnection only.
    Update,
    /// 80% UpdateConnection, 20% ListConnections.
    UpdateList,
    /// ListConnections only (scale).
    List,
}

impl Mix {
    /// Name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Self::Update => "Update",
            Self::UpdateList => "80% Update / 20% List",
            Self::List => "List",
        }
    }

    fn list_percent(self) -> u32 {
        match self {
            Self::Update => 0,
            Self::UpdateList => 20,
            Self::List => 100,
        }
    }
}

/// Issue 17's realistic workloads: updates spread uniformly over many connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Realistic {
    /// (a) 10,000 connections of one project, half the updates changing Status and a tenth
    /// changing EnvType.
    A,
    /// (b) the same over 100 projects.
    B,
    /// (c) 80% (a) and 20% ListConnections with filters.
    C,
    /// (a) with Status always `ENABLED` and EnvType constant: the control that shows what the
    /// changes cost.
    AConstant,
}

impl Realistic {
    /// Every workload, in report order.
    pub const ALL: [Self; 4] = [Self::A, Self::AConstant, Self::B, Self::C];

    /// Name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Self::A => "(a) Update, 1 project",
            Self::B => "(b) Update, 100 projects",
            Self::C => "(c) 80% (a) / 20% filtered List",
            Self::AConstant => "(a') Update, 1 project, constant Status/EnvType",
        }
    }

    /// Command-line name.
    pub fn tag(self) -> &'static str {
        match self {
            Self::A => "a",
            Self::B => "b",
            Self::C => "c",
            Self::AConstant => "a-const",
        }
    }

    /// Parses [`Realistic::tag`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|w| w.tag() == text)
    }

    fn projects(self, opts: &Options) -> i64 {
        match self {
            Self::B => opts.realistic_projects.max(1),
            _ => 1,
        }
    }
}

/// The signature scheme of a run.
pub type Sig = acs_protocol::signature::SignatureVersion;

/// Name of a signature scheme in tables.
pub fn sig_name(sig: Sig) -> &'static str {
    match sig {
        Sig::V1 => "v1 (query)",
        Sig::V3 => "V3 (headers)",
    }
}

/// Settings of one harness invocation.
#[derive(Debug, Clone)]
pub struct Options {
    /// Quick mode (CI): tiny durations, one repetition, small scale, no codegen comparison.
    pub quick: bool,
    /// `dataworks-server`.
    pub server_bin: PathBuf,
    /// `reference-server`.
    pub reference_bin: PathBuf,
    /// `codegen-run`.
    pub codegen_bin: PathBuf,
    /// The workspace root (spec, target/).
    pub root: PathBuf,
    /// PostgreSQL maintenance database URL.
    pub postgres_url: String,
    /// Load duration per run.
    pub duration: Duration,
    /// Repetitions of every comparison.
    pub reps: usize,
    /// Concurrent keep-alive connections of the load generator.
    pub connections: usize,
    /// Connections provisioned per server (each load connection updates its own).
    pub rows: usize,
    /// Ceiling of the request rate the pre-signed pool is sized for.
    pub max_rate: usize,
    /// The two project sizes of the scale scenario.
    pub scale_sizes: (i64, i64),
    /// Concurrent connections of the scale scenario: few, so that its p99 is the latency of a
    /// ListConnections rather than the length of a queue.
    pub scale_connections: usize,
    /// Run the codegen comparison.
    pub codegen: bool,
    /// Backends to run.
    pub backends: Vec<Backend>,
    /// Read criterion's results (they were just produced by `cargo bench`).
    pub criterion: bool,
    /// Record a `perf` profile of the server during every load run.
    pub perf: bool,
    /// Extra environment for `dataworks-server` (experiments, e.g. `RUST_LOG=warn`).
    pub dataworks_env: Vec<(String, String)>,
    /// Run issue 8's end-to-end scenarios (64 connections, each worker its own row).
    pub e2e: bool,
    /// Issue 17's realistic runs: (workload, signature) pairs; empty: none.
    pub realistic: Vec<(Realistic, Sig)>,
    /// Connections seeded for a realistic run (all projects together).
    pub realistic_rows: i64,
    /// Projects of workload (b).
    pub realistic_projects: i64,
    /// Also run `dataworks-server` with the memory replay cache on PostgreSQL.
    pub memory_nonces: bool,
}

impl Options {
    /// Scratch space (databases, logs, generator outputs) under `target/bench/`.
    pub fn scratch(&self) -> PathBuf {
        self.root.join("target").join("bench")
    }
}

/// One measured run.
#[derive(Debug, Clone, Default)]
pub struct RunResult {
    /// Successful requests per second.
    pub rate: f64,
    /// All successful requests.
    pub latency: Latency,
    /// UpdateConnection only.
    pub update_latency: Latency,
    /// ListConnections only.
    pub list_latency: Latency,
    /// Successful requests.
    pub ok: u64,
    /// Failed requests.
    pub errors: u64,
    /// First failure seen.
    pub first_error: Option<String>,
    /// Server RSS after provisioning and warm-up, KiB.
    pub rss_idle_kib: u64,
    /// Largest server RSS sampled under load, KiB.
    pub rss_load_kib: u64,
    /// Server CPU time (user + system) per successful request under load, µs.
    pub cpu_us_per_request: f64,
    /// PostgreSQL backends' CPU time per successful request under load, µs (0 on SQLite).
    pub db_cpu_us_per_request: f64,
    /// The pre-signed pool ran out early.
    pub exhausted: bool,
    /// When the slowest request was sent, ms from the start of the run.
    pub slowest_sent_at_ms: u128,
}

fn summarize(
    result: LoadResult,
    rss_idle_kib: u64,
    rss_load_kib: u64,
    cpu_ticks: u64,
) -> RunResult {
    let cpu_us_per_request = if result.ok > 0 {
        cpu_ticks as f64 * 10_000.0 / result.ok as f64
    } else {
        0.0
    };
    let pick = |kind: Option<Kind>| {
        Latency::of(
            result
                .samples
                .iter()
                .filter(|s| kind.is_none_or(|k| s.kind == k))
                .map(|s| s.micros)
                .collect(),
        )
    };
    RunResult {
        rate: result.rate(),
        latency: pick(None),
        update_latency: pick(Some(Kind::Update)),
        list_latency: pick(Some(Kind::List)),
        ok: result.ok,
        errors: result.errors,
        first_error: result.first_error,
        rss_idle_kib,
        rss_load_kib,
        cpu_us_per_request,
        db_cpu_us_per_request: 0.0,
        exhausted: result.exhausted,
        slowest_sent_at_ms: result.slowest_sent_at.as_millis(),
    }
}

/// A server started on a fresh database and provisioned for load.
pub struct Provisioned {
    /// The process.
    pub process: ServerProcess,
    /// The database (dropped by [`Provisioned::finish`]).
    pub db: db::FreshDb,
    /// Signs for it.
    pub signer: Signer,
    /// The default project.
    pub project_id: i64,
    /// Connections created.
    pub connection_ids: Vec<i64>,
}

/// Picks the server binary and the log name of `server`.
fn launch_name(server: ServerKind) -> &'static str {
    match server {
        ServerKind::Reference => "reference",
        ServerKind::Dataworks => "dataworks",
        ServerKind::DataworksMemoryNonces => "dataworks-memnonce",
    }
}

impl Provisioned {
    /// Stops the server and removes its database.
    pub async fn finish(self) {
        let process = self.process;
        let _ = tokio::task::spawn_blocking(move || process.stop()).await;
        self.db.drop_db().await;
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.process.addr
    }
}

fn master_key() -> String {
    base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 32]>())
}

static RUN_NO: AtomicU64 = AtomicU64::new(0);

/// Starts `server` on a fresh `backend` database and creates `rows` connections through signed
/// CreateConnection calls.
pub async fn provision(
    opts: &Options,
    server: ServerKind,
    backend: Backend,
    rows: usize,
) -> Result<Provisioned, String> {
    let scratch = opts.scratch();
    let db = db::FreshDb::create(backend, &scratch.join("db"), &opts.postgres_url).await?;
    let addr = free_addr().map_err(|e| format!("finding a free port: {e}"))?;
    let logs = scratch.join("logs");
    std::fs::create_dir_all(&logs).map_err(|e| format!("creating {}: {e}", logs.display()))?;
    let n = RUN_NO.fetch_add(1, Ordering::Relaxed);
    let launch = Launch {
        program: match server {
            ServerKind::Reference => opts.reference_bin.clone(),
            ServerKind::Dataworks | ServerKind::DataworksMemoryNonces => opts.server_bin.clone(),
        },
        args: vec![
            "--database".into(),
            db.url(),
            "--listen".into(),
            addr.to_string(),
        ],
        env: {
            let mut env = vec![("DATAWORKS_MASTER_KEY".to_owned(), master_key())];
            if server == ServerKind::DataworksMemoryNonces {
                env.push(("DATAWORKS_NONCE_STORE".to_owned(), "memory".to_owned()));
            }
            if server != ServerKind::Reference {
                env.extend(opts.dataworks_env.iter().cloned());
            }
            env
        },
        log: logs.join(format!(
            "{n:03}-{}-{}.log",
            launch_name(server),
            backend.name().to_ascii_lowercase()
        )),
        addr,
        expect_bootstrap: true,
    };
    let process = tokio::task::spawn_blocking(move || ServerProcess::start(&launch))
        .await
        .map_err(|e| e.to_string())??;
    let Some(boot) = process.bootstrap.clone() else {
        return Err(format!("{} printed no bootstrap key", server.name()));
    };
    let signer = Signer::new(
        addr.to_string(),
        &boot.access_key_id,
        &boot.access_key_secret,
    );
    let mut connection_ids = Vec::with_capacity(rows);
    for i in 0..rows {
        let params = vec![
            ("ProjectId".to_owned(), boot.project_id.to_string()),
            ("Name".to_owned(), format!("bench-{i:04}")),
            ("ConnectionType".to_owned(), "mysql".to_owned()),
            ("Content".to_owned(), presign::update_content(i)),
            ("EnvType".to_owned(), "1".to_owned()),
            (
                "Description".to_owned(),
                "created by the benchmark".to_owned(),
            ),
        ];
        let request = signer
            .sign(&Method::POST, "CreateConnection", &params)
            .map_err(|e| e.to_string())?;
        let (status, body) = load::call(addr, request)
            .await
            .map_err(|e| format!("CreateConnection: {e}"))?;
        let id = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("Data").and_then(serde_json::Value::as_i64))
            .filter(|_| status == 200)
            .ok_or_else(|| {
                format!(
                    "{} CreateConnection answered {status}: {}",
                    server.name(),
                    String::from_utf8_lossy(&body)
                )
            })?;
        connection_ids.push(id);
    }
    Ok(Provisioned {
        process,
        db,
        signer,
        project_id: boot.project_id,
        connection_ids,
    })
}

/// How hard a run pushes.
#[derive(Debug, Clone, Copy)]
pub struct Pressure {
    /// Concurrent keep-alive connections.
    pub workers: usize,
    /// A request unanswered after this long is an error.
    pub timeout: Duration,
}

/// Warms the server up briefly (not measured), reads its idle RSS, then loads it with `mix` for
/// the configured duration while sampling its RSS.
pub async fn measure(
    opts: &Options,
    target: &Provisioned,
    mix: Mix,
    pressure: Pressure,
) -> Result<RunResult, String> {
    let workload = Workload::own_rows(
        target.project_id,
        target.connection_ids.clone(),
        mix.list_percent(),
    );
    measure_workload(opts, target, workload, pressure).await
}

/// [`measure`] with any workload.
pub async fn measure_workload(
    opts: &Options,
    target: &Provisioned,
    workload: Workload,
    pressure: Pressure,
) -> Result<RunResult, String> {
    let workers = pressure.workers;
    let warmup =
        presign::presign(&target.signer, &workload, workers, 20).map_err(|e| e.to_string())?;
    let warm = load::run(
        target.addr(),
        warmup,
        Duration::from_secs(1),
        pressure.timeout,
    )
    .await;
    if warm.ok == 0 {
        return Err(format!(
            "warm-up failed: {}",
            warm.first_error.unwrap_or_else(|| "no answer".into())
        ));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss_idle = target.process.rss_kib().unwrap_or(0);
    let total = (opts.max_rate as f64 * opts.duration.as_secs_f64()) as usize;
    let per_worker = total.div_ceil(workers.max(1)).max(1);
    let signer = target.signer.clone();
    let pool = tokio::task::spawn_blocking(move || {
        presign::presign(&signer, &workload, workers, per_worker)
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())?;
    let pid = target.process.pid();
    let running = Arc::new(AtomicBool::new(true));
    let peak = Arc::new(AtomicU64::new(rss_idle));
    let sampler = {
        let (running, peak) = (running.clone(), peak.clone());
        tokio::spawn(async move {
            while running.load(Ordering::Relaxed) {
                if let Some(rss) = crate::server::rss_kib(pid) {
                    peak.fetch_max(rss, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
    };
    let profiler = opts.perf.then(|| start_perf(opts, pid)).flatten();
    let cpu_before = crate::server::cpu_ticks(pid).unwrap_or(0);
    let db_before = target.db.backend_cpu_ticks();
    let result = load::run(target.addr(), pool, opts.duration, pressure.timeout).await;
    let cpu = crate::server::cpu_ticks(pid)
        .unwrap_or(0)
        .saturating_sub(cpu_before);
    let db_cpu = target
        .db
        .backend_cpu_ticks()
        .zip(db_before)
        .map_or(0, |(after, before)| after.saturating_sub(before));
    running.store(false, Ordering::Relaxed);
    let _ = sampler.await;
    if let Some(child) = profiler {
        stop_perf(child);
    }
    let mut summary = summarize(result, rss_idle, peak.load(Ordering::Relaxed), cpu);
    if summary.ok > 0 {
        summary.db_cpu_us_per_request = db_cpu as f64 * 10_000.0 / summary.ok as f64;
    }
    Ok(summary)
}

/// `perf record` (cpu-clock sampling with call graphs) on the server while it is loaded; the
/// files land in `target/bench/perf/` (`perf report -i FILE --no-children`).
fn start_perf(opts: &Options, pid: u32) -> Option<std::process::Child> {
    let dir = opts.scratch().join("perf");
    std::fs::create_dir_all(&dir).ok()?;
    let n = RUN_NO.load(Ordering::Relaxed);
    let out = dir.join(format!("{n:03}-pid{pid}.data"));
    std::process::Command::new("perf")
        .args(["record", "-e", "cpu-clock", "-F", "499", "-g", "-p"])
        .arg(pid.to_string())
        .arg("-o")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()
}

fn stop_perf(mut child: std::process::Child) {
    let _ = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

/// A realistic run: server, backend, workload, signature.
pub type RealisticKey = (ServerKind, Backend, Realistic, Sig);

/// The results of every scenario, for the report.
#[derive(Debug, Default)]
pub struct Results {
    /// End-to-end: (server, backend, mix) -> one result per repetition.
    pub e2e: Vec<((ServerKind, Backend, Mix), Vec<RunResult>)>,
    /// Realistic: (server, backend, workload, signature) -> one result per repetition.
    pub realistic: Vec<(RealisticKey, Vec<RunResult>)>,
    /// Scale: (backend, rows) -> one result per repetition.
    pub scale: Vec<((Backend, i64), Vec<RunResult>)>,
    /// Codegen: tool -> seconds per repetition.
    pub codegen: Vec<(String, Vec<f64>)>,
    /// Criterion estimates of the generated layer.
    pub criterion: Vec<criterion::Estimate>,
    /// Failures that did not stop the rest.
    pub problems: Vec<String>,
}

pub(crate) fn push<K: PartialEq, V>(table: &mut Vec<(K, Vec<V>)>, key: K, value: V) {
    match table.iter_mut().find(|(k, _)| *k == key) {
        Some((_, values)) => values.push(value),
        None => table.push((key, vec![value])),
    }
}

async fn one_e2e(
    opts: &Options,
    server: ServerKind,
    backend: Backend,
    mix: Mix,
) -> Result<RunResult, String> {
    let target = provision(opts, server, backend, opts.rows).await?;
    let pressure = Pressure {
        workers: opts.connections,
        timeout: Duration::from_secs(10),
    };
    let result = measure(opts, &target, mix, pressure).await;
    target.finish().await;
    result
}

/// Scenario 2 and 3: both servers, both backends, both mixes, interleaved per repetition.
pub async fn run_e2e(opts: &Options, results: &mut Results) {
    for rep in 0..opts.reps {
        for mix in [Mix::Update, Mix::UpdateList] {
            for &backend in &opts.backends {
                let mut order = vec![ServerKind::Reference, ServerKind::Dataworks];
                if backend == Backend::Postgres {
                    order.push(ServerKind::DataworksMemoryNonces);
                }
                if rep % 2 == 1 {
                    order.reverse();
                }
                for server in order {
                    eprintln!(
                        "bench: e2e rep {}/{} {} {} {}",
                        rep + 1,
                        opts.reps,
                        server.name(),
                        backend.name(),
                        mix.name()
                    );
                    match one_e2e(opts, server, backend, mix).await {
                        Ok(r) => {
                            eprintln!(
                                "bench:   {:.0} req/s p50 {} us p99 {} us max {} us (sent at {} ms) errors {}",
                                r.rate, r.latency.p50, r.latency.p99, r.latency.max,
                                r.slowest_sent_at_ms, r.errors
                            );
                            push(&mut results.e2e, (server, backend, mix), r);
                        }
                        Err(e) => results.problems.push(format!(
                            "{} {} {} rep {}: {e}",
                            server.name(),
                            backend.name(),
                            mix.name(),
                            rep + 1
                        )),
                    }
                }
            }
        }
    }
}

async fn one_realistic(
    opts: &Options,
    server: ServerKind,
    backend: Backend,
    workload: Realistic,
    sig: Sig,
) -> Result<RunResult, String> {
    let target = provision(opts, server, backend, 1).await?;
    let projects = workload.projects(opts);
    let per_project = (opts.realistic_rows / projects).max(1);
    let seeded = target
        .db
        .seed_projects(target.connection_ids[0], projects, per_project)
        .await;
    let rows = match seeded {
        Ok(rows) => rows,
        Err(e) => {
            target.finish().await;
            return Err(e);
        }
    };
    let mut project_ids: Vec<i64> = rows.iter().map(|(p, _)| *p).collect();
    project_ids.sort_unstable();
    project_ids.dedup();
    let load = Workload {
        project_id: target.project_id,
        connection_ids: rows.iter().map(|(_, id)| *id).collect(),
        list_percent: if workload == Realistic::C { 20 } else { 0 },
        pattern: presign::Pattern::Spread {
            flips: workload != Realistic::AConstant,
        },
        projects: project_ids,
        signature: sig,
    };
    let pressure = Pressure {
        workers: opts.connections,
        timeout: Duration::from_secs(10),
    };
    let result = measure_workload(opts, &target, load, pressure).await;
    target.finish().await;
    result
}

/// Issue 17's realistic workloads: both servers (and on PostgreSQL, when asked, the memory
/// replay cache variant), every backend, every (workload, signature) pair, interleaved per
/// repetition; each run on a fresh database seeded through SQL.
pub async fn run_realistic(opts: &Options, results: &mut Results) {
    for rep in 0..opts.reps {
        for &(workload, sig) in &opts.realistic {
            for &backend in &opts.backends {
                let mut order = vec![ServerKind::Reference, ServerKind::Dataworks];
                if backend == Backend::Postgres && opts.memory_nonces {
                    order.push(ServerKind::DataworksMemoryNonces);
                }
                if rep % 2 == 1 {
                    order.reverse();
                }
                for server in order {
                    eprintln!(
                        "bench: realistic rep {}/{} {} {} {} {}",
                        rep + 1,
                        opts.reps,
                        workload.name(),
                        sig_name(sig),
                        server.name(),
                        backend.name(),
                    );
                    match one_realistic(opts, server, backend, workload, sig).await {
                        Ok(r) => {
                            eprintln!(
                                "bench:   {:.0} req/s p50 {} us p99 {} us max {} us cpu {:.0} us/req db cpu {:.0} us/req errors {}",
                                r.rate, r.latency.p50, r.latency.p99, r.latency.max,
                                r.cpu_us_per_request, r.db_cpu_us_per_request, r.errors
                            );
                            push(&mut results.realistic, (server, backend, workload, sig), r);
                        }
                        Err(e) => results.problems.push(format!(
                            "{} {} {} {} rep {}: {e}",
                            server.name(),
                            backend.name(),
                            workload.name(),
                            sig_name(sig),
                            rep + 1
                        )),
                    }
                }
            }
        }
    }
}

/// Scenario 5: ListConnections on a project of `small` and of `large` connections (seeded
/// through SQL), both servers up at once and loaded alternately.
pub async fn run_scale(opts: &Options, results: &mut Results) {
    let (small, large) = opts.scale_sizes;
    for &backend in &opts.backends {
        let mut targets = Vec::new();
        for size in [small, large] {
            eprintln!("bench: scale {} seeding {size} connections", backend.name());
            let prepared = async {
                let target = provision(opts, ServerKind::Dataworks, backend, 1).await?;
                match target.db.seed_copies(target.connection_ids[0], size).await {
                    Ok(()) => Ok(target),
                    Err(e) => {
                        target.finish().await;
                        Err(e)
                    }
                }
            }
            .await;
            match prepared {
                Ok(t) => targets.push((size, t)),
                Err(e) => results
                    .problems
                    .push(format!("scale {} {size}: {e}", backend.name())),
            }
        }
        for rep in 0..opts.reps {
            let mut order: Vec<&(i64, Provisioned)> = targets.iter().collect();
            if rep % 2 == 1 {
                order.reverse();
            }
            for (size, target) in order {
                eprintln!(
                    "bench: scale rep {}/{} {} {size} connections",
                    rep + 1,
                    opts.reps,
                    backend.name()
                );
                let pressure = Pressure {
                    workers: opts.scale_connections,
                    timeout: Duration::from_secs(120),
                };
                match measure(opts, target, Mix::List, pressure).await {
                    Ok(r) => {
                        eprintln!(
                            "bench:   {:.0} req/s p50 {} us p99 {} us errors {}",
                            r.rate, r.latency.p50, r.latency.p99, r.errors
                        );
                        push(&mut results.scale, (backend, *size), r);
                    }
                    Err(e) => results.problems.push(format!(
                        "scale {} {size} rep {}: {e}",
                        backend.name(),
                        rep + 1
                    )),
                }
            }
        }
        for (_, target) in targets {
            target.finish().await;
        }
    }
}

/// The root of the workspace that holds `path` (walks up to the `Cargo.lock`).
pub fn workspace_root(start: &Path) -> PathBuf {
    start
        .ancestors()
        .find(|p| p.join("Cargo.lock").exists())
        .map_or_else(|| start.to_path_buf(), Path::to_path_buf)
}
