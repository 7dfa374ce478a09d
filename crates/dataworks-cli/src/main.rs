//! `dataworks`: the command line of the DataWorks connection API, on the generated client.
//!
//! The subcommands and their flags are generated from the spec (`generated/mod.rs`, written by
//! `cargo xtask codegen`); this file and its modules are the hand-written, spec-independent
//! rest: global flags, credentials, endpoint, output, dry runs and exit codes
//! (0 success, 1 API error, 2 usage or validation error, 3 transport error).

mod call;
mod credentials;
mod generated;
mod output;
mod transport;

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command};
use dataworks_client::{Client, Format};

use call::{Failure, Params};
use output::Output;
use transport::{describe_request, RecordingTransport};

/// Ids of the hand-written global flags (everything else on a subcommand is a parameter).
const GLOBALS: &[&str] = &[
    "profile", "endpoint", "region", "output", "dry-run", "timeout",
];

/// The whole command line: global flags, one generated subcommand per operation, completions.
fn command() -> Command {
    Command::new("dataworks")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Calls the DataWorks connection API (version 2020-05-18)")
        .long_about(
            "Calls the DataWorks connection API (version 2020-05-18): one subcommand per \
             operation, one flag per parameter.\n\n\
             Credentials: ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET / \
             ALIBABA_CLOUD_SECURITY_TOKEN, or --profile NAME of ~/.aliyun/config.json (mode AK).\n\n\
             Exit codes: 0 success, 1 API error, 2 usage or validation error, 3 transport error.",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(
            Arg::new("profile")
                .long("profile")
                .global(true)
                .value_name("NAME")
                .help("Profile of ~/.aliyun/config.json to sign with (mode AK)"),
        )
        .arg(
            Arg::new("endpoint")
                .long("endpoint")
                .global(true)
                .env("DATAWORKS_ENDPOINT")
                .value_name("URL")
                .help("Endpoint, e.g. http://127.0.0.1:8080 (wins over --region)"),
        )
        .arg(
            Arg::new("region")
                .long("region")
                .global(true)
                .value_name("REGION")
                .help("Region (cn-shanghai): sent as RegionId and picks the public endpoint"),
        )
        .arg(
            Arg::new("output")
                .long("output")
                .short('o')
                .global(true)
                .value_parser(Output::NAMES)
                .default_value("json")
                .help("json (pretty on a terminal, one line otherwise), table, or xml (asks the server for XML)"),
        )
        .arg(
            Arg::new("dry-run")
                .long("dry-run")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Print the signed request (method, URL, headers, body) instead of sending it"),
        )
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .global(true)
                .value_name("SECONDS")
                .value_parser(clap::value_parser!(u64).range(1..))
                .default_value("30")
                .help("Time limit of one attempt"),
        )
        .subcommands(generated::operations())
        .subcommand(
            Command::new("completions")
                .about("Prints a shell completion script: dataworks completions bash|zsh|fish")
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(["bash", "zsh", "fish"]),
                ),
        )
}

fn main() -> ExitCode {
    let matches = match command().try_get_matches() {
        Ok(matches) => matches,
        Err(e) => {
            // Help and version are successes; everything else is a usage error (exit 2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let Some((name, sub)) = matches.subcommand() else {
        return ExitCode::from(2);
    };
    if name == "completions" {
        return completions(sub);
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("dataworks: cannot start: {e}");
            return ExitCode::from(3);
        }
    };
    match runtime.block_on(run(name, sub)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            report(&failure);
            ExitCode::from(failure.exit_code())
        }
    }
}

/// `dataworks completions SHELL`.
fn completions(sub: &ArgMatches) -> ExitCode {
    let shell = match sub.get_one::<String>("shell").map(String::as_str) {
        Some("zsh") => clap_complete::Shell::Zsh,
        Some("fish") => clap_complete::Shell::Fish,
        _ => clap_complete::Shell::Bash,
    };
    clap_complete::generate(shell, &mut command(), "dataworks", &mut std::io::stdout());
    ExitCode::SUCCESS
}

/// Prints a failure on stderr: the code, message and request id of an API error.
fn report(failure: &Failure) {
    match failure {
        Failure::Api {
            code,
            message,
            request_id,
            http_status,
        } => eprintln!(
            "dataworks: the API answered an error (HTTP {http_status})\n\
             Code: {code}\nMessage: {message}\nRequestId: {request_id}"
        ),
        Failure::Usage(message) => eprintln!("dataworks: {message}"),
        Failure::Transport(message) => eprintln!("dataworks: no answer: {message}"),
    }
}

/// One operation: parameters, client, call, output.
async fn run(name: &str, sub: &ArgMatches) -> Result<(), Failure> {
    let params = params(sub)?;
    let output = Output::from_name(
        sub.get_one::<String>("output")
            .map(String::as_str)
            .unwrap_or("json"),
    );
    let dry_run = sub.get_flag("dry-run");
    let timeout = Duration::from_secs(sub.get_one::<u64>("timeout").copied().unwrap_or(30));
    let creds = credentials::resolve(sub.get_one::<String>("profile").map(String::as_str))
        .map_err(Failure::Usage)?;
    let http = reqwest::Client::builder()
        .connect_timeout(timeout)
        .build()
        .map_err(|e| Failure::Transport(e.to_string()))?;
    let transport = RecordingTransport::new(http, dry_run);
    let mut builder = Client::builder()
        .credentials(creds.credentials)
        .timeout(timeout)
        .transport(transport.clone());
    if dry_run {
        builder = builder.retry_policy(dataworks_client::RetryPolicy::none());
    }
    if let Some(endpoint) = sub.get_one::<String>("endpoint") {
        builder = builder.endpoint(endpoint.clone());
    }
    if let Some(region) = sub.get_one::<String>("region").cloned().or(creds.region) {
        builder = builder.region(region);
    }
    if output == Output::Xml {
        builder = builder.format(Format::Xml);
    }
    let client = builder
        .build()
        .map_err(|e| Failure::Usage(call::error_chain(&e)))?;
    let result = generated::call(&client, name, &params)
        .await
        .ok_or_else(|| Failure::Usage(format!("unknown command {name}")))?;
    let recorded = transport.take();
    if dry_run {
        if let Some(request) = recorded.request {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(describe_request(&request).as_bytes());
            return Ok(());
        }
    }
    result?;
    let body = recorded.answer.unwrap_or_default();
    let text = output::render(output, &body, std::io::stdout().is_terminal());
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Failure::Transport(format!("cannot write the answer: {e}")))
}

/// The subcommand's parameters by wire name; a value `@FILE` is read from the file and `-` from
/// standard input.
fn params(sub: &ArgMatches) -> Result<Params, Failure> {
    let mut params = Params::default();
    for id in sub.ids() {
        let id = id.as_str();
        if GLOBALS.contains(&id) {
            continue;
        }
        let Some(value) = sub.get_one::<String>(id) else {
            continue;
        };
        params.insert(id, expand(id, value)?);
    }
    Ok(params)
}

/// `@FILE` -> the file's text, `-` -> standard input; anything else unchanged.
fn expand(id: &str, value: &str) -> Result<String, Failure> {
    if value == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::Usage(format!("{id}: cannot read standard input: {e}")))?;
        return Ok(text.trim_end_matches(['\n', '\r']).to_owned());
    }
    if let Some(path) = value.strip_prefix('@') {
        return std::fs::read_to_string(path)
            .map(|text| text.trim_end_matches(['\n', '\r']).to_owned())
            .map_err(|e| Failure::Usage(format!("{id}: cannot read {path}: {e}")));
    }
    Ok(value.to_owned())
}
