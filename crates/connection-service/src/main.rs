//! `dataworks-server`: the DataWorks connection API server and its admin tasks.

use std::process::ExitCode;

use clap::Parser;
use connection_service::cli::{run, Cli};

#[tokio::main]
async fn main() -> ExitCode {
    run(Cli::parse()).await
}
