//! The `dataworks-server` command line: `serve` (the default) and `admin ...`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{FileConfig, Overrides, Settings, MASTER_KEY_ENV};

mod admin;
mod serve;

pub use admin::AdminCommand;

/// DataWorks connection API server (RPC style, version 2020-05-18).
///
/// (No `Debug`: the database URL may carry a password.)
#[derive(Parser)]
#[command(name = "dataworks-server", version, about)]
pub struct Cli {
    /// Database URL: sqlite://PATH (created on first start) or postgres://...
    #[arg(
        long,
        global = true,
        env = "DATAWORKS_DATABASE_URL",
        value_name = "URL"
    )]
    pub database: Option<String>,
    /// TOML settings file (flags and environment variables take precedence).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// `serve`'s options, accepted without the subcommand too (serve is the default).
    #[command(flatten)]
    pub serve: ServeArgs,
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default when no subcommand is given).
    Serve(ServeArgs),
    /// Manage tenants, projects, users, memberships and AccessKeys.
    Admin {
        /// The task.
        #[command(subcommand)]
        command: AdminCommand,
    },
}

/// `serve` options.
#[derive(Debug, Default, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "DATAWORKS_LISTEN", value_name = "ADDR")]
    pub listen: Option<String>,
    /// Do not serve the API Explorer page at /explorer (config: `[explorer] enabled = false`).
    #[arg(long)]
    pub no_explorer: bool,
    /// Serve the test-double controls under /_test/ (reset, faults, request log); for test
    /// suites only. Refused on a non-loopback address without --test-controls-token.
    #[arg(long)]
    pub test_controls: bool,
    /// Bearer token every /_test/ request must then carry (Authorization: Bearer TOKEN).
    #[arg(long, env = "DATAWORKS_TEST_CONTROLS_TOKEN", value_name = "TOKEN")]
    pub test_controls_token: Option<String>,
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Resolves the settings from the file, the environment and the flags.
pub fn settings(cli: &Cli, args: &ServeArgs) -> Result<Settings, String> {
    let file = match &cli.config {
        Some(path) => FileConfig::load(path).map_err(|e| e.to_string())?,
        None => FileConfig::default(),
    };
    Settings::resolve(
        file,
        Overrides {
            listen: args.listen.clone(),
            no_explorer: args.no_explorer || cli.serve.no_explorer,
            database: cli.database.clone(),
            region: env_var("DATAWORKS_REGION"),
            log_format: env_var("DATAWORKS_LOG_FORMAT"),
            nonce_store: env_var("DATAWORKS_NONCE_STORE"),
            test_controls: args.test_controls || cli.serve.test_controls,
            test_controls_token: args
                .test_controls_token
                .clone()
                .or_else(|| cli.serve.test_controls_token.clone()),
        },
    )
    .map_err(|e| e.to_string())
}

/// The master key per [`Settings::master_key`], with the environment variable read here.
pub fn master_key(settings: &Settings) -> Result<crate::crypto::MasterKey, String> {
    settings
        .master_key(env_var(MASTER_KEY_ENV).as_deref())
        .map_err(|e| e.to_string())
}

/// Runs the command line; the exit code says whether it worked.
pub async fn run(cli: Cli) -> ExitCode {
    let result = match &cli.command {
        None => serve::run(&cli, &cli.serve).await,
        Some(Command::Serve(args)) => serve::run(&cli, args).await,
        Some(Command::Admin { command }) => admin::run(&cli, command).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
