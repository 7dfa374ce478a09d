//! The markdown written to BENCHMARKS.md (full mode) or target/bench-quick.md (quick mode).

use std::fmt::Write as _;
use std::process::Command;

use super::{sig_name, Backend, Mix, Options, Realistic, Results, RunResult, ServerKind, Sig};
use crate::stats::Spread;

/// Start marker of the generated part of BENCHMARKS.md (the text around it is kept).
pub const BEGIN: &str =
    "<!-- bench:results:begin (written by `cargo xtask bench`; edits inside are lost) -->";
/// End marker.
pub const END: &str = "<!-- bench:results:end -->";

/// UpdateConnection throughput target against the reference.
const RATIO_TARGET: f64 = 1.0;
/// p99 target, ms.
const P99_TARGET_MS: f64 = 10.0;
/// In-process target for the generated layer, ns.
const LAYER_TARGET_NS: f64 = 8_000.0;
/// Scale target: p99(large) / p99(small).
const SCALE_TARGET: f64 = 1.5;
/// Codegen targets.
const CODEGEN_TARGET_S: f64 = 0.3;
const CODEGEN_SPEEDUP_TARGET: f64 = 5.0;

/// Table order of the servers.
const SERVERS: [ServerKind; 3] = [
    ServerKind::Dataworks,
    ServerKind::DataworksMemoryNonces,
    ServerKind::Reference,
];

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "**missed**"
    }
}

fn shell(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem_kib: u64 = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
        })
        .unwrap_or(0);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    format!(
        "nproc {cpus}, {:.1} GiB memory, {model}, {}",
        mem_kib as f64 / 1024.0 / 1024.0,
        shell("uname", &["-sr"])
    )
}

fn ms(micros: u32) -> f64 {
    f64::from(micros) / 1000.0
}

fn spread_of(runs: &[RunResult], f: impl Fn(&RunResult) -> f64) -> Spread {
    Spread::of(&runs.iter().map(f).collect::<Vec<_>>())
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn load_table(out: &mut String, rows: &[(String, &Vec<RunResult>)]) {
    out.push_str(
        "| run | req/s | p50 ms | p99 ms | max ms | errors | server CPU µs/req | RSS idle MiB | RSS under load MiB |\n\
         |---|---|---|---|---|---|---|---|---|\n",
    );
    for (label, runs) in rows {
        let errors: u64 = runs.iter().map(|r| r.errors).sum();
        let exhausted = if runs.iter().any(|r| r.exhausted) {
            " (pool ran out)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "| {label}{exhausted} | {} | {} | {} | {} | {errors} | {} | {} | {} |",
            spread_of(runs, |r| r.rate).show(0),
            spread_of(runs, |r| ms(r.latency.p50)).show(2),
            spread_of(runs, |r| ms(r.latency.p99)).show(2),
            spread_of(runs, |r| ms(r.latency.max)).show(1),
            spread_of(runs, |r| r.cpu_us_per_request).show(0),
            spread_of(runs, |r| mib(r.rss_idle_kib)).show(1),
            spread_of(runs, |r| mib(r.rss_load_kib)).show(1),
        );
    }
}

fn e2e_runs(
    results: &Results,
    server: ServerKind,
    backend: Backend,
    mix: Mix,
) -> Option<&Vec<RunResult>> {
    results
        .e2e
        .iter()
        .find(|(k, _)| *k == (server, backend, mix))
        .map(|(_, v)| v)
}

/// Renders the report.
pub fn render(opts: &Options, command: &str, results: &Results) -> String {
    let mut out = String::new();
    let date = shell("date", &["-u", "+%Y-%m-%d %H:%M UTC"]);
    let commit = shell(
        "git",
        &[
            "-C",
            &opts.root.to_string_lossy(),
            "rev-parse",
            "--short",
            "HEAD",
        ],
    );
    let dirty = !shell(
        "git",
        &[
            "-C",
            &opts.root.to_string_lossy(),
            "status",
            "--porcelain",
            "--untracked-files=no",
        ],
    )
    .is_empty();
    let _ = writeln!(out, "{BEGIN}\n");
    let _ = writeln!(
        out,
        "- **Date:** {date}\n- **Machine:** {}\n- **Commit:** {commit}{}\n- **Command:** `{command}`\n\
         - **Mode:** {}; load {} s per run, {} repetition(s), {} keep-alive connections, {} connections \
         provisioned per server; cells read `median (min–max)` over the repetitions\n",
        machine(),
        if dirty { " (with uncommitted changes)" } else { "" },
        if opts.quick { "quick (debug build, smoke test only: numbers mean nothing)" } else { "full (release build)" },
        opts.duration.as_secs_f64(),
        opts.reps,
        opts.connections,
        opts.rows,
    );
    if !opts.dataworks_env.is_empty() {
        let env: Vec<String> = opts
            .dataworks_env
            .iter()
            .map(|(k, v)| format!("`{k}={v}`"))
            .collect();
        let _ = writeln!(
            out,
            "- **Experiment:** dataworks-server ran with {}\n",
            env.join(", ")
        );
    }

    if !results.realistic.is_empty() {
        realistic_section(&mut out, opts, results);
    }
    if results.e2e.is_empty() {
        out.push_str("### 1–3. End-to-end load (issue 8)\n\nNot run in this invocation.\n");
    } else {
        e2e_sections(&mut out, opts, results);
    }
    rest(&mut out, opts, results);
    out
}

/// Issue 17's targets: PostgreSQL p99 at most this many times the reference's.
const PG_P99_VS_REFERENCE: f64 = 2.0;
/// Issue 17's targets: status-changing updates at least this fraction of constant-Status ones.
const FLIP_TARGET: f64 = 0.9;

fn realistic_runs(
    results: &Results,
    server: ServerKind,
    backend: Backend,
    workload: Realistic,
    sig: Sig,
) -> Option<&Vec<RunResult>> {
    results
        .realistic
        .iter()
        .find(|(k, _)| *k == (server, backend, workload, sig))
        .map(|(_, v)| v)
}

/// Per-repetition ratios `f(a) / f(b)` (runs of one repetition pair up by index).
fn ratios(a: &[RunResult], b: &[RunResult], f: impl Fn(&RunResult) -> f64) -> Spread {
    let v: Vec<f64> = a
        .iter()
        .zip(b)
        .filter(|(_, y)| f(y) > 0.0)
        .map(|(x, y)| f(x) / f(y))
        .collect();
    Spread::of(&v)
}

fn realistic_section(out: &mut String, opts: &Options, results: &Results) {
    let _ = writeln!(
        out,
        "### 7. Realistic workloads (issue 17)\n\n\
         {} connections seeded through SQL per run (copies of one created through the API; \
         (b) spreads them over {} projects), a fresh database per run, {} keep-alive \
         connections, every update on a uniformly random connection; (a), (b), (c): Status a \
         random `ENABLED`/`DISABLED` (changes in half the updates), EnvType 0 with p = {} \
         (changes in a tenth); (a'): Status always `ENABLED`, EnvType constant; (c): 20% \
         ListConnections of a random project with a random filter set (Status, EnvType, \
         ConnectionType, combinations). v1 = signature in the query, V3 = headers.\n",
        opts.realistic_rows,
        opts.realistic_projects,
        opts.connections,
        crate::presign::ENV_FLIP_P,
    );
    let mut rows = Vec::new();
    for workload in Realistic::ALL {
        for &backend in &opts.backends {
            for sig in [Sig::V1, Sig::V3] {
                for server in SERVERS {
                    if let Some(runs) = realistic_runs(results, server, backend, workload, sig) {
                        rows.push((
                            format!(
                                "{} · {} · {} · {}",
                                workload.name(),
                                sig_name(sig),
                                backend.name(),
                                server.name()
                            ),
                            runs,
                        ));
                    }
                }
            }
        }
    }
    load_table(out, &rows);
    out.push_str(
        "\nRatio = dataworks-server ÷ reference-server of the same repetition. Targets: req/s \
         ratio ≥ 1.0x; p99 ≤ 2x the reference's on PostgreSQL, ≤ 10 ms on SQLite.\n\n\
         | workload | signature | backend | server | req/s ratio | target | p99 ms ours / reference | p99 target | server CPU µs/req ours / reference | PostgreSQL CPU µs/req ours / reference |\n\
         |---|---|---|---|---|---|---|---|---|---|\n",
    );
    for workload in Realistic::ALL {
        for &backend in &opts.backends {
            for sig in [Sig::V1, Sig::V3] {
                for server in [ServerKind::Dataworks, ServerKind::DataworksMemoryNonces] {
                    let (Some(ours), Some(reference)) = (
                        realistic_runs(results, server, backend, workload, sig),
                        realistic_runs(results, ServerKind::Reference, backend, workload, sig),
                    ) else {
                        continue;
                    };
                    let ratio = ratios(ours, reference, |r| r.rate);
                    let p99 = spread_of(ours, |r| ms(r.latency.p99));
                    let ref_p99 = spread_of(reference, |r| ms(r.latency.p99));
                    let p99_met = match backend {
                        Backend::Postgres => p99.median <= PG_P99_VS_REFERENCE * ref_p99.median,
                        Backend::Sqlite => p99.median <= P99_TARGET_MS,
                    };
                    let _ = writeln!(
                        out,
                        "| {} | {} | {} | {} | {}x | {} | {} / {} | {} | {} / {} | {} |",
                        workload.name(),
                        sig_name(sig),
                        backend.name(),
                        server.name(),
                        ratio.show(2),
                        verdict(ratio.median >= RATIO_TARGET),
                        p99.show(2),
                        ref_p99.show(2),
                        verdict(p99_met),
                        spread_of(ours, |r| r.cpu_us_per_request).show(0),
                        spread_of(reference, |r| r.cpu_us_per_request).show(0),
                        if backend == Backend::Postgres {
                            format!(
                                "{} / {}",
                                spread_of(ours, |r| r.db_cpu_us_per_request).show(0),
                                spread_of(reference, |r| r.db_cpu_us_per_request).show(0)
                            )
                        } else {
                            "—".to_owned()
                        },
                    );
                }
            }
        }
    }
    let mut flips = String::new();
    for &backend in &opts.backends {
        for sig in [Sig::V1, Sig::V3] {
            for server in SERVERS {
                let (Some(a), Some(constant)) = (
                    realistic_runs(results, server, backend, Realistic::A, sig),
                    realistic_runs(results, server, backend, Realistic::AConstant, sig),
                ) else {
                    continue;
                };
                let ratio = ratios(a, constant, |r| r.rate);
                let _ = writeln!(
                    flips,
                    "| {} | {} | {} | {}x | {} |",
                    backend.name(),
                    sig_name(sig),
                    server.name(),
                    ratio.show(2),
                    if server == ServerKind::Reference {
                        "(yardstick)"
                    } else {
                        verdict(ratio.median >= FLIP_TARGET)
                    },
                );
            }
        }
    }
    if !flips.is_empty() {
        out.push_str(
            "\nStatus-changing ÷ constant-Status updates, req/s of (a) ÷ (a') in the same \
             repetition (target ≥ 0.9x: no more than 10% slower).\n\n\
             | backend | signature | server | (a) ÷ (a') | target |\n|---|---|---|---|---|\n",
        );
        out.push_str(&flips);
    }
    let mut lists = Vec::new();
    for &backend in &opts.backends {
        for sig in [Sig::V1, Sig::V3] {
            for server in SERVERS {
                if let Some(runs) = realistic_runs(results, server, backend, Realistic::C, sig) {
                    lists.push(format!(
                        "- (c) · {} · {} · {}: Update p99 {} ms, List p99 {} ms",
                        sig_name(sig),
                        backend.name(),
                        server.name(),
                        spread_of(runs, |r| ms(r.update_latency.p99)).show(2),
                        spread_of(runs, |r| ms(r.list_latency.p99)).show(2),
                    ));
                }
            }
        }
    }
    if !lists.is_empty() {
        out.push('\n');
        out.push_str(&lists.join("\n"));
        out.push('\n');
    }
    out.push('\n');
}

fn e2e_sections(out: &mut String, opts: &Options, results: &Results) {
    out.push_str("### 1–2. End-to-end load (V3-signed requests over loopback)\n\n");
    let mut rows = Vec::new();
    for mix in [Mix::Update, Mix::UpdateList] {
        for &backend in &opts.backends {
            for server in SERVERS {
                if let Some(runs) = e2e_runs(results, server, backend, mix) {
                    rows.push((
                        format!("{} · {} · {}", mix.name(), backend.name(), server.name()),
                        runs,
                    ));
                }
            }
        }
    }
    load_table(out, &rows);
    out.push('\n');
    for mix in [Mix::UpdateList] {
        for &backend in &opts.backends {
            for server in SERVERS {
                if let Some(runs) = e2e_runs(results, server, backend, mix) {
                    let _ = writeln!(
                        out,
                        "- {} · {} · {}: Update p99 {} ms, List p99 {} ms",
                        mix.name(),
                        backend.name(),
                        server.name(),
                        spread_of(runs, |r| ms(r.update_latency.p99)).show(2),
                        spread_of(runs, |r| ms(r.list_latency.p99)).show(2),
                    );
                }
            }
        }
    }

    out.push_str("\n### 3. dataworks-server against the reference\n\n");
    out.push_str(
        "Ratio = dataworks-server req/s ÷ reference-server req/s of the same repetition.\n\n\
         | load | backend | server | ratio | target ≥ 1.0x | p99 ms | target ≤ 10 ms |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for mix in [Mix::Update, Mix::UpdateList] {
        for &backend in &opts.backends {
            for server in [ServerKind::Dataworks, ServerKind::DataworksMemoryNonces] {
                let (Some(ours), Some(reference)) = (
                    e2e_runs(results, server, backend, mix),
                    e2e_runs(results, ServerKind::Reference, backend, mix),
                ) else {
                    continue;
                };
                let ratios: Vec<f64> = ours
                    .iter()
                    .zip(reference)
                    .filter(|(_, r)| r.rate > 0.0)
                    .map(|(o, r)| o.rate / r.rate)
                    .collect();
                let ratio = Spread::of(&ratios);
                let p99 = spread_of(ours, |r| ms(r.latency.p99));
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {}x | {} | {} | {} |",
                    mix.name(),
                    backend.name(),
                    server.name(),
                    ratio.show(2),
                    verdict(ratio.median >= RATIO_TARGET),
                    p99.show(2),
                    verdict(p99.median <= P99_TARGET_MS),
                );
            }
        }
    }
}

fn rest(out: &mut String, opts: &Options, results: &Results) {
    out.push_str("\n### 4. Generated-layer cost in-process (criterion)\n\n");
    if results.criterion.is_empty() {
        out.push_str(
            "Not measured in this mode (quick mode only runs each bench once as a smoke test: \
             `cargo test -p bench --bench generated_layer`).\n",
        );
    } else {
        out.push_str(
            "Time per iteration over criterion's samples. `cargo bench -p bench --bench generated_layer`.\n\n\
             | bench | µs per call | samples | target ≤ 8 µs |\n|---|---|---|---|\n",
        );
        for e in &results.criterion {
            let us = Spread {
                min: e.per_iter_ns.min / 1000.0,
                median: e.per_iter_ns.median / 1000.0,
                max: e.per_iter_ns.max / 1000.0,
            };
            let target = if e.name.starts_with("update_connection") {
                verdict(e.per_iter_ns.median <= LAYER_TARGET_NS)
            } else {
                "(part)"
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {target} |",
                e.name,
                us.show(2),
                e.samples
            );
        }
    }

    out.push_str(
        "\n### 5. Scale: ListConnections (first page of 10) by project size, dataworks-server\n\n",
    );
    let scale_rows: Vec<(String, &Vec<RunResult>)> = results
        .scale
        .iter()
        .map(|((b, n), runs)| (format!("{} · {n} connections", b.name()), runs))
        .collect();
    load_table(out, &scale_rows);
    out.push('\n');
    let (small, large) = opts.scale_sizes;
    for &backend in &opts.backends {
        let find = |n: i64| {
            results
                .scale
                .iter()
                .find(|(k, _)| *k == (backend, n))
                .map(|(_, v)| v)
        };
        if let (Some(s), Some(l)) = (find(small), find(large)) {
            let ratios: Vec<f64> = l
                .iter()
                .zip(s)
                .filter(|(_, s)| s.latency.p99 > 0)
                .map(|(l, s)| f64::from(l.latency.p99) / f64::from(s.latency.p99))
                .collect();
            let ratio = Spread::of(&ratios);
            let _ = writeln!(
                out,
                "- {}: p99 with {large} ÷ p99 with {small} = {}x (target ≤ {SCALE_TARGET}x: {})",
                backend.name(),
                ratio.show(2),
                verdict(ratio.median <= SCALE_TARGET)
            );
        }
    }

    out.push_str("\n### 6. Codegen speed (whole spec, process wall time)\n\n");
    if results.codegen.is_empty() {
        out.push_str("Not run in this mode.\n");
    } else {
        out.push_str("| generator | seconds | times ours |\n|---|---|---|\n");
        let ours = results
            .codegen
            .first()
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        for (name, secs) in &results.codegen {
            let ratios: Vec<f64> = secs
                .iter()
                .zip(&ours)
                .filter(|(_, o)| **o > 0.0)
                .map(|(t, o)| t / o)
                .collect();
            let _ = writeln!(
                out,
                "| {name} | {} | {}x |",
                Spread::of(secs).show(3),
                Spread::of(&ratios).show(1)
            );
        }
        let ours_s = Spread::of(&ours);
        let slowest_ratio = results
            .codegen
            .iter()
            .skip(1)
            .map(|(_, secs)| {
                let r: Vec<f64> = secs.iter().zip(&ours).map(|(t, o)| t / o).collect();
                Spread::of(&r).median
            })
            .fold(f64::INFINITY, f64::min);
        let _ = writeln!(
            out,
            "\nOurs ≤ {CODEGEN_TARGET_S} s: {}; ≥ {CODEGEN_SPEEDUP_TARGET}x faster than each OpenAPI Generator run: {}",
            verdict(ours_s.median <= CODEGEN_TARGET_S),
            if slowest_ratio.is_finite() {
                verdict(slowest_ratio >= CODEGEN_SPEEDUP_TARGET)
            } else {
                "not compared"
            }
        );
    }

    let first_errors: Vec<String> = results
        .e2e
        .iter()
        .map(|((s, b, m), runs)| (format!("{} {} {}", s.name(), b.name(), m.name()), runs))
        .chain(
            results
                .scale
                .iter()
                .map(|((b, n), runs)| (format!("scale {} {n}", b.name()), runs)),
        )
        .chain(results.realistic.iter().map(|((s, b, w, sig), runs)| {
            (
                format!("{} {} {} {}", s.name(), b.name(), w.name(), sig_name(*sig)),
                runs,
            )
        }))
        .filter_map(|(label, runs)| {
            runs.iter()
                .find_map(|r| r.first_error.as_ref())
                .map(|e| format!("{label}: {e}"))
        })
        .collect();
    if !results.problems.is_empty() || !first_errors.is_empty() {
        out.push_str("\n### Problems in this run\n\n");
        for p in results.problems.iter().chain(&first_errors) {
            let _ = writeln!(out, "- {}", p.replace('\n', " "));
        }
    }
    let _ = writeln!(out, "\n{END}");
}

/// Puts `section` between the markers of `document` (appending it when they are absent).
pub fn splice(document: &str, section: &str) -> String {
    match (document.find(BEGIN), document.find(END)) {
        (Some(b), Some(e)) if b < e => {
            let mut out = String::with_capacity(document.len() + section.len());
            out.push_str(&document[..b]);
            out.push_str(section.trim_end());
            out.push_str(&document[e + END.len()..]);
            out
        }
        _ => {
            let mut out = document.trim_end().to_owned();
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(section);
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splice_replaces_only_between_markers() {
        let doc = format!("# T\n\nintro\n\n{BEGIN}\nold\n{END}\n\n## Analysis\nkept\n");
        let new = format!("{BEGIN}\nnew\n{END}\n");
        let out = splice(&doc, &new);
        assert!(out.contains("intro") && out.contains("kept") && out.contains("new"));
        assert!(!out.contains("old"));
        assert_eq!(splice(&out, &new), out);
        let fresh = splice("# T\n", &new);
        assert!(fresh.starts_with("# T\n\n") && fresh.contains("new"));
    }
}

#[cfg(test)]
mod render_tests {
    use std::path::PathBuf;
    use std::time::Duration;

    use super::*;
    use crate::harness::criterion::Estimate;
    use crate::stats::Latency;

    fn run(rate: f64, p99_us: u32) -> RunResult {
        RunResult {
            rate,
            latency: Latency {
                p50: p99_us / 2,
                p99: p99_us,
                max: p99_us * 2,
            },
            ok: 100,
            rss_idle_kib: 10 * 1024,
            rss_load_kib: 20 * 1024,
            ..RunResult::default()
        }
    }

    #[test]
    fn tables_ratios_and_verdicts() {
        let opts = Options {
            quick: false,
            server_bin: PathBuf::new(),
            reference_bin: PathBuf::new(),
            codegen_bin: PathBuf::new(),
            root: PathBuf::from("."),
            postgres_url: String::new(),
            duration: Duration::from_secs(15),
            reps: 3,
            connections: 64,
            rows: 64,
            max_rate: 1,
            scale_sizes: (1_000, 1_000_000),
            scale_connections: 4,
            codegen: true,
            backends: vec![Backend::Sqlite],
            criterion: true,
            perf: false,
            dataworks_env: Vec::new(),
            e2e: true,
            realistic: vec![(Realistic::A, Sig::V1), (Realistic::AConstant, Sig::V1)],
            realistic_rows: 10_000,
            realistic_projects: 100,
            memory_nonces: false,
        };
        let key = |s| (s, Backend::Sqlite, Mix::Update);
        let real = |s, w| (s, Backend::Sqlite, w, Sig::V1);
        let results = Results {
            e2e: vec![
                (
                    key(ServerKind::Dataworks),
                    vec![run(900.0, 8_000), run(1100.0, 9_000), run(1000.0, 12_000)],
                ),
                (
                    key(ServerKind::Reference),
                    vec![run(1000.0, 5_000), run(1000.0, 5_000), run(1000.0, 5_000)],
                ),
            ],
            scale: vec![
                ((Backend::Sqlite, 1_000), vec![run(10.0, 1_000)]),
                ((Backend::Sqlite, 1_000_000), vec![run(5.0, 3_000)]),
            ],
            codegen: vec![
                ("ours".into(), vec![0.1, 0.1, 0.1]),
                ("theirs".into(), vec![4.0, 5.0, 6.0]),
            ],
            criterion: vec![Estimate {
                name: "update_connection_router_oneshot".into(),
                per_iter_ns: Spread {
                    min: 5_000.0,
                    median: 6_000.0,
                    max: 9_000.0,
                },
                samples: 100,
            }],
            problems: vec!["one failure".into()],
            realistic: vec![
                (
                    real(ServerKind::Dataworks, Realistic::A),
                    vec![run(1200.0, 8_000), run(1100.0, 9_000), run(1000.0, 12_000)],
                ),
                (
                    real(ServerKind::Reference, Realistic::A),
                    vec![run(1000.0, 5_000), run(1000.0, 6_000), run(1000.0, 7_000)],
                ),
                (
                    real(ServerKind::Dataworks, Realistic::AConstant),
                    vec![run(1500.0, 8_000), run(1100.0, 9_000), run(1000.0, 12_000)],
                ),
            ],
        };
        let md = render(&opts, "cargo xtask bench", &results);
        // Realistic: ratios 1.2, 1.1, 1.0 -> 1.10; SQLite p99 median 9 ms <= 10 ms.
        assert!(
            md.contains("| (a) Update, 1 project | v1 (query) | SQLite | dataworks-server | 1.10 (1.00–1.20)x | met | 9.00 (8.00–12.00) / 6.00 (5.00–7.00) | met |"),
            "{md}"
        );
        // (a) ÷ (a'): 0.8, 1.0, 1.0 -> 1.00, met.
        assert!(
            md.contains("| SQLite | v1 (query) | dataworks-server | 1.00 (0.80–1.00)x | met |"),
            "{md}"
        );
        assert!(md.starts_with(BEGIN) && md.trim_end().ends_with(END));
        // Throughput ratios per repetition: 0.9, 1.1, 1.0 -> median 1.00, met; p99 median 9 ms, met.
        assert!(
            md.contains("| Update | SQLite | dataworks-server | 1.00 (0.90–1.10)x | met | 9.00 (8.00–12.00) | met |"),
            "{md}"
        );
        assert!(md.contains("| update_connection_router_oneshot | 6.00 (5.00–9.00) | 100 | met |"));
        assert!(md.contains("p99 with 1000000 ÷ p99 with 1000 = 3.00x (target ≤ 1.5x: **missed**)"));
        assert!(md.contains("| theirs | 5.000 (4.000–6.000) | 50.0 (40.0–60.0)x |"));
        assert!(md.contains("- one failure"));
        assert!(md.contains("| 0 | 0 | 10.0 | 20.0 |"), "{md}");
    }
}
