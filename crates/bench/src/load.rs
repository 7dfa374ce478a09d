//! The load generator: hyper's HTTP/1.1 client over N keep-alive loopback connections, each a
//! closed loop (send, read the whole answer, send the next) over its own pre-signed requests,
//! until the duration ends. Per request it records the latency (send to last body byte) and
//! whether the answer was a 200; anything else, a timeout or a broken connection is an error.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use crate::presign::{Kind, Prepared, ReadyRequest};

/// One finished request.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// The operation.
    pub kind: Kind,
    /// Latency in microseconds.
    pub micros: u32,
}

/// What a run measured.
#[derive(Debug, Default)]
pub struct LoadResult {
    /// From the first send to the last answer.
    pub elapsed: Duration,
    /// Successful requests (HTTP 200).
    pub ok: u64,
    /// Failed requests (other status, timeout, transport error).
    pub errors: u64,
    /// Latencies of successful requests.
    pub samples: Vec<Sample>,
    /// The first failure, for the report (status and the start of the body).
    pub first_error: Option<String>,
    /// True when a worker ran out of pre-signed requests before the duration ended.
    pub exhausted: bool,
    /// When the slowest request was sent, from the start of the run.
    pub slowest_sent_at: Duration,
}

impl LoadResult {
    /// Successful requests per second.
    pub fn rate(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.ok as f64 / secs
        } else {
            0.0
        }
    }
}

/// Why a single call failed.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// Connecting failed.
    #[error("connecting to {0}: {1}")]
    Connect(SocketAddr, std::io::Error),
    /// HTTP failed.
    #[error("http: {0}")]
    Http(#[from] hyper::Error),
    /// No answer in time.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
}

async fn connect(addr: SocketAddr) -> Result<SendRequest<Empty<Bytes>>, CallError> {
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|e| CallError::Connect(addr, e))?;
    stream
        .set_nodelay(true)
        .map_err(|e| CallError::Connect(addr, e))?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

async fn send(
    sender: &mut SendRequest<Empty<Bytes>>,
    request: ReadyRequest,
    timeout: Duration,
) -> Result<(u16, Bytes), CallError> {
    let exchange = async {
        sender.ready().await?;
        let response = sender.send_request(request).await?;
        let status = response.status().as_u16();
        let body = response.into_body().collect().await?.to_bytes();
        Ok::<_, CallError>((status, body))
    };
    tokio::time::timeout(timeout, exchange)
        .await
        .map_err(|_| CallError::Timeout(timeout))?
}

/// One request on a fresh connection (provisioning): status and body.
pub async fn call(addr: SocketAddr, request: ReadyRequest) -> Result<(u16, Bytes), CallError> {
    let mut sender = connect(addr).await?;
    send(&mut sender, request, Duration::from_secs(30)).await
}

fn describe(status: u16, body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(300)]);
    format!("HTTP {status}: {text}")
}

struct WorkerResult {
    /// The requests not sent: handed back so that freeing them (hundreds of MB at the end of a
    /// run) happens after every worker finished, not while others still wait for answers.
    unsent: std::vec::IntoIter<Prepared>,
    slowest: (u32, Duration),
    ok: u64,
    errors: u64,
    samples: Vec<Sample>,
    first_error: Option<String>,
    exhausted: bool,
}

async fn worker(
    addr: SocketAddr,
    requests: Vec<Prepared>,
    deadline: Instant,
    timeout: Duration,
) -> WorkerResult {
    let run_start = Instant::now();
    let mut out = WorkerResult {
        unsent: Vec::new().into_iter(),
        slowest: (0, Duration::ZERO),
        ok: 0,
        errors: 0,
        samples: Vec::with_capacity(requests.len()),
        first_error: None,
        exhausted: false,
    };
    let mut sender: Option<SendRequest<Empty<Bytes>>> = None;
    let mut requests = requests.into_iter();
    loop {
        if Instant::now() >= deadline {
            break;
        }
        let Some(prepared) = requests.next() else {
            out.exhausted = true;
            break;
        };
        let conn = match sender.as_mut() {
            Some(s) => s,
            None => match connect(addr).await {
                Ok(s) => sender.insert(s),
                Err(e) => {
                    out.errors += 1;
                    out.first_error.get_or_insert_with(|| e.to_string());
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let started = Instant::now();
        match send(conn, prepared.request, timeout).await {
            Ok((200, _)) => {
                out.ok += 1;
                let micros = u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX);
                if micros > out.slowest.0 {
                    out.slowest = (micros, started - run_start);
                }
                out.samples.push(Sample {
                    kind: prepared.kind,
                    micros,
                });
            }
            Ok((status, body)) => {
                out.errors += 1;
                out.first_error
                    .get_or_insert_with(|| describe(status, &body));
            }
            Err(e) => {
                out.errors += 1;
                out.first_error.get_or_insert_with(|| e.to_string());
                sender = None;
            }
        }
    }
    out.unsent = requests;
    out
}

/// Runs one worker per element of `per_worker` against `addr` for `duration`; a request
/// without an answer within `timeout` counts as an error.
pub async fn run(
    addr: SocketAddr,
    per_worker: Vec<Vec<Prepared>>,
    duration: Duration,
    timeout: Duration,
) -> LoadResult {
    let started = Instant::now();
    let deadline = started + duration;
    let handles: Vec<_> = per_worker
        .into_iter()
        .map(|requests| tokio::spawn(worker(addr, requests, deadline, timeout)))
        .collect();
    let mut result = LoadResult::default();
    let mut slowest = 0;
    let mut unsent = Vec::with_capacity(handles.len());
    for handle in handles {
        match handle.await {
            Ok(w) => {
                unsent.push(w.unsent);
                if w.slowest.0 > slowest {
                    slowest = w.slowest.0;
                    result.slowest_sent_at = w.slowest.1;
                }
                result.ok += w.ok;
                result.errors += w.errors;
                result.samples.extend(w.samples);
                result.exhausted |= w.exhausted;
                if result.first_error.is_none() {
                    result.first_error = w.first_error;
                }
            }
            Err(e) => {
                result.errors += 1;
                result
                    .first_error
                    .get_or_insert_with(|| format!("worker panicked: {e}"));
            }
        }
    }
    result.elapsed = started.elapsed();
    drop(unsent);
    result
}
