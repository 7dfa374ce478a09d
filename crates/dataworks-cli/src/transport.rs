//! The client's transport, wrapped so that the command line can print what travelled: the last
//! answer's bytes as the server sent them (`--output xml` prints the server's XML), or, for
//! `--dry-run`, the signed request instead of sending it.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use dataworks_client::{ReqwestTransport, Transport, TransportError, TransportFuture};

/// What the wrapped transport saw.
#[derive(Default)]
pub struct Recorded {
    /// The last request (only kept for a dry run).
    pub request: Option<http::Request<Bytes>>,
    /// The last answer's body.
    pub answer: Option<Bytes>,
}

/// Sends with reqwest and keeps the last answer; in dry-run mode keeps the request and sends
/// nothing.
#[derive(Clone)]
pub struct RecordingTransport {
    inner: Arc<ReqwestTransport>,
    dry_run: bool,
    recorded: Arc<Mutex<Recorded>>,
}

impl RecordingTransport {
    pub fn new(client: reqwest::Client, dry_run: bool) -> Self {
        Self {
            inner: Arc::new(ReqwestTransport::new(client)),
            dry_run,
            recorded: Arc::default(),
        }
    }

    /// What was recorded so far.
    pub fn take(&self) -> Recorded {
        std::mem::take(&mut *self.recorded.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Transport for RecordingTransport {
    fn send(&self, request: http::Request<Bytes>) -> TransportFuture<'_> {
        Box::pin(async move {
            if self.dry_run {
                self.recorded
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .request = Some(request);
                return Err(TransportError::other("dry run: the request was not sent"));
            }
            let answer = self.inner.send(request).await?;
            self.recorded
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .answer = Some(answer.body().clone());
            Ok(answer)
        })
    }
}

/// A signed request as text: `METHOD URL`, one `name: value` line per header, a blank line and
/// the body. It holds the signature and the AccessKey id, never the AccessKey secret (which
/// never leaves the signer).
pub fn describe_request(request: &http::Request<Bytes>) -> String {
    let mut out = format!("{} {}\n", request.method(), request.uri());
    for (name, value) in request.headers() {
        out.push_str(&format!(
            "{}: {}\n",
            name,
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    out.push('\n');
    out.push_str(&String::from_utf8_lossy(request.body()));
    if !request.body().is_empty() {
        out.push('\n');
    }
    out
}
