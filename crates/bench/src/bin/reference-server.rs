//! `reference-server --database URL --listen ADDR`: the hand-written yardstick of the benchmarks
//! (see `bench::reference`). The master key comes from `DATAWORKS_MASTER_KEY` (base64 of 32
//! bytes), as for `dataworks-server`; without it a random one is used for this process only.

use std::process::ExitCode;

use base64::Engine;
use clap::Parser;

/// Hand-written reference server for the benchmarks.
#[derive(Debug, Parser)]
struct Args {
    /// sqlite://PATH or postgres://...
    #[arg(long)]
    database: String,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8090")]
    listen: String,
}

fn master_key() -> Result<[u8; 32], String> {
    match std::env::var("DATAWORKS_MASTER_KEY") {
        Ok(text) if !text.trim().is_empty() => base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok())
            .ok_or_else(|| "DATAWORKS_MASTER_KEY must be base64 of 32 bytes".to_owned()),
        _ => Ok(rand::random()),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let key = match master_key() {
        Ok(k) => k,
        Err(e) => {
            eprintln!("reference-server: {e}");
            return ExitCode::FAILURE;
        }
    };
    match bench::reference::run(&args.database, &args.listen, &key).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("reference-server: {e}");
            ExitCode::FAILURE
        }
    }
}
