//! From `accept` to hyper: how `dataworks-server` serves TCP connections.
//!
//! - A cap on open connections ([`HttpSettings::max_connections`]): one more is answered
//!   `ServiceUnavailable` (503, in the API's envelope) and closed, instead of piling up until
//!   the process runs out of file descriptors and `accept` fails for everyone.
//! - The file-descriptor soft limit raised to the hard limit at start ([`raise_fd_limit`]), and
//!   the cap lowered to what the limit allows.
//! - Every request head checked before hyper sees it, with header and idle timeouts
//!   ([`guard::GuardedIo`]), so that slow or malformed heads are answered in the envelope and
//!   closed.
//! - HTTP/1.1 only (as the Alibaba Cloud SDKs speak it on plain HTTP).

pub mod guard;
pub mod head;
pub mod refusal;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use acs_protocol::answer::Format;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};

use guard::{GuardSettings, GuardedIo};
use head::Refusal;

/// Default [`HttpSettings::max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;
/// Default [`HttpSettings::header_timeout`]: long enough for any real client on a slow link,
/// short enough that a slowloris client holds a connection only briefly.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Default [`HttpSettings::idle_timeout`]: above the SDKs' pooled-connection reuse (so a pooled
/// connection is rarely closed under a client), bounded so idle clients give their slot back.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(75);

/// File descriptors kept for everything but client connections (database pools, logs, the
/// connections being shed).
const RESERVED_FDS: u64 = 512;
/// Connections being answered `ServiceUnavailable` at once; beyond that, closed at once.
const MAX_SHEDDING: usize = 256;
/// How long a shed connection's request is waited for (to answer in its `Format`).
const SHED_READ_WAIT: Duration = Duration::from_millis(500);

/// The connection settings (`[http]` in the settings file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpSettings {
    /// Most connections served at once.
    pub max_connections: usize,
    /// Limit for receiving a whole request head, and for a new connection's first byte.
    pub header_timeout: Duration,
    /// Limit between two requests on a kept-alive connection.
    pub idle_timeout: Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
        }
    }
}

/// Raises the soft limit on open files to the hard limit; the soft limit now in force.
pub fn raise_fd_limit() -> Option<u64> {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => Some(limit),
        Err(e) => {
            tracing::warn!(error = %e, "could not raise the open-files limit");
            rlimit::getrlimit(rlimit::Resource::NOFILE)
                .ok()
                .map(|(soft, _)| soft)
        }
    }
}

/// The cap actually used: the configured one, lowered to what `fd_limit` allows.
pub fn effective_max_connections(configured: usize, fd_limit: Option<u64>) -> usize {
    let allowed = fd_limit.map_or(usize::MAX, |limit| {
        usize::try_from(limit.saturating_sub(RESERVED_FDS + MAX_SHEDDING as u64))
            .unwrap_or(usize::MAX)
    });
    configured.min(allowed).max(1)
}

/// Serves `app` on `listener` until `shutdown` resolves, then waits for open connections to
/// finish their requests.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    settings: &HttpSettings,
    host_id: String,
    shutdown: impl Future<Output = ()>,
) {
    let fd_limit = raise_fd_limit();
    let max = effective_max_connections(settings.max_connections, fd_limit);
    if max < settings.max_connections {
        tracing::warn!(
            configured = settings.max_connections,
            max_connections = max,
            fd_limit,
            "connection cap lowered to fit the open-files limit"
        );
    }
    tracing::info!(max_connections = max, fd_limit, "connection limits");
    let guard = Arc::new(GuardSettings {
        header_timeout: settings.header_timeout,
        idle_timeout: settings.idle_timeout,
        host_id,
    });
    let open = Arc::new(Semaphore::new(max));
    let shedding = Arc::new(Semaphore::new(MAX_SHEDDING));
    let (stop, stopping) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // EMFILE and the like: the cap should prevent them; back off briefly rather
                // than spin, and keep serving the connections already open.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        if let Ok(permit) = Arc::clone(&open).try_acquire_owned() {
            let app = app.clone();
            let guard = Arc::clone(&guard);
            let stopping = stopping.clone();
            tokio::spawn(async move {
                serve_connection(stream, app, guard, stopping).await;
                drop(permit);
            });
        } else if let Ok(permit) = Arc::clone(&shedding).try_acquire_owned() {
            let host_id = guard.host_id.clone();
            tokio::spawn(async move {
                shed(stream, &host_id).await;
                drop(permit);
            });
        } else {
            drop(stream);
        }
    }
    drop(listener);
    let _ = stop.send(true);
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    let _ = open.acquire_many(all).await;
}

async fn serve_connection(
    stream: TcpStream,
    app: Router,
    guard: Arc<GuardSettings>,
    mut stopping: watch::Receiver<bool>,
) {
    let io = TokioIo::new(GuardedIo::new(stream, guard));
    let mut builder = http1::Builder::new();
    // The guard keeps the header timeout (hyper's needs a timer and answers nothing).
    // Half-close: the end of the stream the guard shows after a refused head must not abort
    // the requests before it that hyper is still answering (hyper would treat it as a client
    // gone mid-request); they are answered, then the refusal, then the connection closes.
    builder
        .keep_alive(true)
        .half_close(true)
        .header_read_timeout(None);
    let connection = builder.serve_connection(io, TowerToHyperService::new(app));
    tokio::pin!(connection);
    let stop = async move {
        let _ = stopping.wait_for(|stop| *stop).await;
    };
    let result = tokio::select! {
        result = connection.as_mut() => result,
        () = stop => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(e) = result {
        tracing::debug!(error = %e, "connection ended with an error");
    }
}

/// Answers a connection over the cap with `ServiceUnavailable` and closes it: reads its request
/// head for a moment (to follow `Format`, and so that closing does not reset the connection
/// before the client reads the answer), answers, and drains briefly.
async fn shed(mut stream: TcpStream, host_id: &str) {
    let mut head = Vec::new();
    let mut chunk = [0u8; 4096];
    let _ = tokio::time::timeout(SHED_READ_WAIT, async {
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => head.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    let format = if head.is_empty() {
        Format::Json
    } else {
        head::requested_format(&head)
    };
    let answer = Refusal::Overloaded.answer(format, host_id);
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        let _ = stream.write_all(&answer).await;
        let _ = stream.shutdown().await;
        while let Ok(n) = stream.read(&mut chunk).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_fits_the_fd_limit() {
        assert_eq!(effective_max_connections(10_000, Some(1_048_576)), 10_000);
        assert_eq!(effective_max_connections(10_000, Some(1024)), 256);
        assert_eq!(effective_max_connections(10_000, Some(100)), 1);
        assert_eq!(effective_max_connections(50, None), 50);
    }
}
