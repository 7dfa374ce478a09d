//! `bench-harness`: runs the benchmark scenarios and writes their markdown into `--out`
//! (between the result markers, keeping the rest of the file). `cargo xtask bench` builds
//! everything and calls it; run it directly to repeat one part, e.g.
//! `target/release/bench-harness --backend sqlite --no-scale --reps 1 --out /tmp/b.md`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use bench::harness::{self, report, Backend, Options, Realistic, Sig};
use clap::Parser;

/// Benchmark harness (issue 8).
#[derive(Debug, Parser)]
struct Args {
    /// Quick mode: tiny durations, one repetition, a small scale step, no codegen comparison.
    #[arg(long)]
    quick: bool,
    /// The workspace root (default: found from the current directory).
    #[arg(long)]
    root: Option<PathBuf>,
    /// Directory holding dataworks-server, reference-server and codegen-run.
    #[arg(long, default_value = "target/release")]
    bin_dir: PathBuf,
    /// PostgreSQL maintenance database (fresh databases are created beside it).
    #[arg(
        long,
        env = "DATAWORKS_TEST_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    postgres_url: String,
    /// Markdown file to write (results spliced between the markers).
    #[arg(long)]
    out: PathBuf,
    /// Seconds of load per run (default 15; quick 1).
    #[arg(long)]
    duration_secs: Option<f64>,
    /// Repetitions (default 3; quick 1).
    #[arg(long)]
    reps: Option<usize>,
    /// Concurrent connections of the load generator.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Connections provisioned per server (default 64; quick 8).
    #[arg(long)]
    rows: Option<usize>,
    /// Rate ceiling the pre-signed pool is sized for, requests per second (default 60000;
    /// quick 10000).
    #[arg(long)]
    max_rate: Option<usize>,
    /// Concurrent connections of the scale scenario.
    #[arg(long, default_value_t = 4)]
    scale_connections: usize,
    /// Project size of the small scale step.
    #[arg(long)]
    scale_small: Option<i64>,
    /// Project size of the large scale step (default 1000000; quick 10000).
    #[arg(long)]
    scale_large: Option<i64>,
    /// Only these backends (sqlite, postgres); default both.
    #[arg(long = "backend")]
    backends: Vec<String>,
    /// Skip the scale scenario.
    #[arg(long)]
    no_scale: bool,
    /// Skip the end-to-end scenarios.
    #[arg(long)]
    no_e2e: bool,
    /// Skip the codegen comparison (always skipped in quick mode).
    #[arg(long)]
    no_codegen: bool,
    /// Include criterion's results from target/criterion.
    #[arg(long)]
    criterion: bool,
    /// Record a perf profile of the server during each load run (target/bench/perf/).
    #[arg(long)]
    perf: bool,
    /// Extra environment for dataworks-server, KEY=VALUE (repeatable), for experiments such
    /// as `RUST_LOG=warn`; the report lists it.
    #[arg(long = "dataworks-env", value_parser = parse_env)]
    dataworks_env: Vec<(String, String)>,
    /// Only issue 17's realistic workloads (no issue 8 end-to-end, scale or codegen runs).
    #[arg(long)]
    realistic: bool,
    /// Skip the realistic workloads.
    #[arg(long, conflicts_with = "realistic")]
    no_realistic: bool,
    /// Realistic workloads to run: a, a-const, b, c (repeatable; default all).
    #[arg(long = "workload")]
    workloads: Vec<String>,
    /// Signatures of the realistic runs: v1, v3 (repeatable; default both).
    #[arg(long = "signature")]
    signatures: Vec<String>,
    /// Connections seeded per realistic run (default 10000; quick 200).
    #[arg(long)]
    realistic_rows: Option<i64>,
    /// Projects of workload (b) (default 100; quick 4).
    #[arg(long)]
    realistic_projects: Option<i64>,
    /// Leave out the `DATAWORKS_NONCE_STORE=memory` runs on PostgreSQL.
    #[arg(long)]
    no_memory_nonces: bool,
    /// The command line shown in the report.
    #[arg(long, default_value = "cargo xtask bench")]
    command: String,
}

fn parse_env(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("expected KEY=VALUE, got {text:?}"))
}

/// The (workload, signature) pairs of the realistic runs. Quick mode pairs each workload with
/// one signature (both signatures still covered) to stay short.
fn realistic_pairs(args: &Args) -> Result<Vec<(Realistic, Sig)>, String> {
    if args.no_realistic {
        return Ok(Vec::new());
    }
    let workloads = if args.workloads.is_empty() {
        Realistic::ALL.to_vec()
    } else {
        args.workloads
            .iter()
            .map(|w| {
                Realistic::parse(&w.to_ascii_lowercase())
                    .ok_or_else(|| format!("unknown workload {w:?} (a, a-const, b, c)"))
            })
            .collect::<Result<_, _>>()?
    };
    let sigs = if args.signatures.is_empty() {
        vec![Sig::V1, Sig::V3]
    } else {
        args.signatures
            .iter()
            .map(|s| match s.to_ascii_lowercase().as_str() {
                "v1" => Ok(Sig::V1),
                "v3" => Ok(Sig::V3),
                other => Err(format!("unknown signature {other:?} (v1, v3)")),
            })
            .collect::<Result<_, _>>()?
    };
    if args.quick && args.signatures.is_empty() {
        return Ok(workloads
            .into_iter()
            .enumerate()
            .map(|(i, w)| (w, sigs[i % sigs.len()]))
            .collect());
    }
    Ok(workloads
        .into_iter()
        .flat_map(|w| sigs.iter().map(move |&s| (w, s)))
        .collect())
}

fn backends(names: &[String]) -> Result<Vec<Backend>, String> {
    if names.is_empty() {
        return Ok(vec![Backend::Sqlite, Backend::Postgres]);
    }
    names
        .iter()
        .map(|n| match n.to_ascii_lowercase().as_str() {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            other => Err(format!("unknown backend {other:?} (sqlite, postgres)")),
        })
        .collect()
}

async fn run(args: Args) -> Result<(), String> {
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let root = args
        .root
        .clone()
        .unwrap_or_else(|| harness::workspace_root(&cwd));
    let bin_dir = if args.bin_dir.is_absolute() {
        args.bin_dir.clone()
    } else {
        root.join(&args.bin_dir)
    };
    let quick = args.quick;
    let opts = Options {
        quick,
        server_bin: bin_dir.join("dataworks-server"),
        reference_bin: bin_dir.join("reference-server"),
        codegen_bin: bin_dir.join("codegen-run"),
        root: root.clone(),
        postgres_url: args.postgres_url.clone(),
        duration: Duration::from_secs_f64(args.duration_secs.unwrap_or(if quick {
            1.0
        } else {
            15.0
        })),
        reps: args.reps.unwrap_or(if quick { 1 } else { 3 }).max(1),
        connections: args.connections.max(1),
        rows: args.rows.unwrap_or(if quick { 8 } else { 64 }).max(1),
        max_rate: args
            .max_rate
            .unwrap_or(if quick { 10_000 } else { 60_000 })
            .max(1),
        scale_sizes: (
            args.scale_small.unwrap_or(1_000),
            args.scale_large
                .unwrap_or(if quick { 10_000 } else { 1_000_000 }),
        ),
        scale_connections: args.scale_connections.max(1),
        codegen: !quick && !args.no_codegen && !args.realistic,
        backends: backends(&args.backends)?,
        criterion: args.criterion,
        perf: args.perf,
        dataworks_env: args.dataworks_env.clone(),
        e2e: !args.no_e2e && !args.realistic,
        realistic: realistic_pairs(&args)?,
        realistic_rows: args
            .realistic_rows
            .unwrap_or(if quick { 200 } else { 10_000 })
            .max(1),
        realistic_projects: args
            .realistic_projects
            .unwrap_or(if quick { 4 } else { 100 })
            .max(1),
        memory_nonces: !args.no_memory_nonces && !quick,
    };
    for bin in [&opts.server_bin, &opts.reference_bin] {
        if !bin.exists() {
            return Err(format!(
                "{} is missing: build it first (cargo xtask bench does)",
                bin.display()
            ));
        }
    }
    let mut results = harness::Results::default();
    if opts.criterion {
        results.criterion = harness::criterion::read(&root.join("target").join("criterion"));
    }
    if opts.e2e {
        harness::run_e2e(&opts, &mut results).await;
    }
    if !opts.realistic.is_empty() {
        harness::run_realistic(&opts, &mut results).await;
    }
    if !args.no_scale && !args.realistic {
        harness::run_scale(&opts, &mut results).await;
    }
    if opts.codegen {
        harness::codegen::run(&opts, &mut results);
    }
    let section = report::render(&opts, &args.command, &results);
    let out = if args.out.is_absolute() {
        args.out.clone()
    } else {
        root.join(&args.out)
    };
    let existing = std::fs::read_to_string(&out).unwrap_or_default();
    let document = if existing.is_empty() {
        format!("# Benchmarks\n\n{section}")
    } else {
        report::splice(&existing, &section)
    };
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    std::fs::write(&out, document).map_err(|e| format!("writing {}: {e}", out.display()))?;
    println!("{section}");
    eprintln!("bench: wrote {}", out.display());
    let failed_runs = results.problems.len();
    // Failed requests of the end-to-end load fail the run; the scale scenario reports its
    // timeouts in the tables (a server too slow at 1M rows is a finding, not a harness fault).
    let errors: u64 = results
        .e2e
        .iter()
        .flat_map(|(_, runs)| runs)
        .chain(results.realistic.iter().flat_map(|(_, runs)| runs))
        .map(|r| r.errors)
        .sum();
    if failed_runs > 0 || errors > 0 {
        return Err(format!(
            "bench: {failed_runs} scenario(s) failed and {errors} request(s) erred (see {})",
            out.display()
        ));
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
