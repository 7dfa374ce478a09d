//! [`GuardedIo`]: the connection as hyper reads it, with each request head held back until it is
//! complete and valid.
//!
//! hyper answers a head it cannot read (414, 431, 400) with an empty body and offers no hook to
//! change that. So every head is collected and checked here first ([`super::head::check`]);
//! only a valid head reaches hyper, followed by exactly its body (the framing is tracked, so the
//! next head on a kept-alive connection is checked too). A refused head is never shown to
//! hyper: hyper sees the end of the stream at a message boundary, finishes what it is writing
//! and shuts the connection down, and the shutdown first writes the refusal in the API's
//! envelope — so the answer always follows every earlier answer on the connection.
//!
//! The same place keeps the time limits: a head must be complete within the header timeout
//! after its first byte (else `RequestTimeout`, 408), a new connection must start a request
//! within the header timeout, and a kept-alive connection must start the next one within the
//! idle timeout (else it is closed without an answer, as nothing was asked).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use acs_protocol::answer::Format;
use bytes::{Buf, Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};

use super::head::{check, Check, Chunked, Framing, Refusal};

/// What every connection's guard needs to know.
#[derive(Debug, Clone)]
pub struct GuardSettings {
    /// Limit for a whole head, from its first byte; also for a new connection's first byte.
    pub header_timeout: Duration,
    /// Limit between the end of a request and the first byte of the next.
    pub idle_timeout: Duration,
    /// `HostId` of envelope answers.
    pub host_id: String,
}

/// Where the read side is.
enum ReadState {
    /// Between requests: waiting for the first byte of a head.
    Idle,
    /// Collecting a head; `parsed` is whether it was tried once already.
    Head { parsed: bool },
    /// Passing a body of this many more bytes.
    Length(u64),
    /// Passing a chunked body.
    Chunked(Chunked),
    /// Framing hyper refuses itself (it then closes the connection): pass everything.
    Passthrough,
    /// Refused, timed out, or the peer closed: hyper reads the end of the stream.
    Closed,
}

/// A TCP connection whose request heads are checked before hyper reads them.
pub struct GuardedIo {
    inner: TcpStream,
    settings: Arc<GuardSettings>,
    state: ReadState,
    /// Bytes read from the socket and not yet handed to hyper.
    pending: BytesMut,
    /// How many bytes at the front of `pending` hyper may read.
    cleared: usize,
    /// The peer closed its side.
    peer_closed: bool,
    /// Deadline of the `Idle` and `Head` states.
    deadline: Pin<Box<Sleep>>,
    /// A refusal to write (and how much of it is written) before the connection shuts down.
    refusal: Option<Bytes>,
    /// Until when the rest of a refused request is read and dropped.
    linger: Option<Pin<Box<Sleep>>>,
    /// The write side is shut down.
    shut_down: bool,
}

const READ_CHUNK: usize = 16 * 1024;

/// How long the rest of a refused request is read and dropped before the connection closes.
const LINGER: Duration = Duration::from_secs(2);

impl GuardedIo {
    /// Guards `inner`, a connection just accepted.
    pub fn new(inner: TcpStream, settings: Arc<GuardSettings>) -> Self {
        let deadline = Box::pin(tokio::time::sleep(settings.header_timeout));
        Self {
            inner,
            settings,
            state: ReadState::Idle,
            pending: BytesMut::new(),
            cleared: 0,
            peer_closed: false,
            deadline,
            refusal: None,
            linger: None,
            shut_down: false,
        }
    }

    fn refuse(&mut self, refusal: &Refusal, format: Format) {
        self.refusal = Some(refusal.answer(format, &self.settings.host_id));
        self.close();
    }

    fn close(&mut self) {
        self.state = ReadState::Closed;
        self.pending.clear();
        self.cleared = 0;
    }

    fn request_done(&mut self) {
        self.state = ReadState::Idle;
        let at = Instant::now() + self.settings.idle_timeout;
        self.deadline.as_mut().reset(at);
    }

    /// Moves the state machine as far as the bytes at hand allow. `true` when hyper has
    /// something to read (bytes, or the end of the stream).
    fn advance(&mut self) -> bool {
        loop {
            if self.cleared > 0 {
                return true;
            }
            match &mut self.state {
                ReadState::Closed => return true,
                ReadState::Idle => {
                    // Empty lines between requests are allowed and carry nothing: drop them
                    // (so that they cannot make the head check run once per byte).
                    let blank = self
                        .pending
                        .iter()
                        .take_while(|&&b| b == b'\r' || b == b'\n')
                        .count();
                    self.pending.advance(blank);
                    if self.pending.is_empty() {
                        if self.peer_closed {
                            self.close();
                            return true;
                        }
                        return false;
                    }
                    self.state = ReadState::Head { parsed: false };
                    let at = Instant::now() + self.settings.header_timeout;
                    self.deadline.as_mut().reset(at);
                }
                ReadState::Head { parsed } => {
                    // A head can only complete at a line end: parse once at first, then only
                    // when a line has ended (bounded work per head, however it is trickled).
                    if *parsed && !self.pending.contains(&b'\n') {
                        if self.peer_closed {
                            self.close();
                            return true;
                        }
                        return false;
                    }
                    *parsed = true;
                    match check(&self.pending) {
                        Check::Partial => {
                            if self.peer_closed {
                                self.close();
                                return true;
                            }
                            return false;
                        }
                        Check::Refused(refusal, format) => {
                            self.refuse(&refusal, format);
                            return true;
                        }
                        Check::Complete { len, framing } => {
                            self.cleared = len;
                            match framing {
                                Framing::Length(0) => self.request_done(),
                                Framing::Length(n) => self.state = ReadState::Length(n),
                                Framing::Chunked => {
                                    self.state = ReadState::Chunked(Chunked::default());
                                }
                            }
                        }
                    }
                }
                ReadState::Length(left) => {
                    if self.pending.is_empty() {
                        return self.peer_closed;
                    }
                    let take = self
                        .pending
                        .len()
                        .min(usize::try_from(*left).unwrap_or(usize::MAX));
                    *left -= take as u64;
                    self.cleared = take;
                    if *left == 0 {
                        self.request_done();
                    }
                }
                ReadState::Chunked(chunked) => {
                    if self.pending.is_empty() {
                        return self.peer_closed;
                    }
                    match chunked.scan(&self.pending) {
                        Ok((n, done)) => {
                            self.cleared = n;
                            if done {
                                self.request_done();
                            }
                        }
                        Err(_) => self.state = ReadState::Passthrough,
                    }
                }
                ReadState::Passthrough => {
                    if self.pending.is_empty() {
                        return self.peer_closed;
                    }
                    self.cleared = self.pending.len();
                }
            }
        }
    }

    fn timed(&self) -> bool {
        matches!(self.state, ReadState::Idle | ReadState::Head { .. })
    }

    fn on_timeout(&mut self) {
        match self.state {
            // A request was started: answer it.
            ReadState::Head { .. } => {
                let format = super::head::requested_format(&self.pending);
                self.refuse(&Refusal::Timeout, format);
            }
            // Nothing was asked: close without an answer.
            _ => self.close(),
        }
    }

    /// Reads more from the socket into `pending`.
    fn poll_fill(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut chunk = [0u8; READ_CHUNK];
        let mut buf = ReadBuf::new(&mut chunk);
        ready!(Pin::new(&mut self.inner).poll_read(cx, &mut buf))?;
        if buf.filled().is_empty() {
            self.peer_closed = true;
        } else {
            self.pending.extend_from_slice(buf.filled());
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for GuardedIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if this.advance() {
                let n = this.cleared.min(out.remaining());
                out.put_slice(&this.pending[..n]);
                this.pending.advance(n);
                this.cleared -= n;
                return Poll::Ready(Ok(()));
            }
            if this.timed() && this.deadline.as_mut().poll(cx).is_ready() {
                this.on_timeout();
                continue;
            }
            if let Err(e) = ready!(this.poll_fill(cx)) {
                this.close();
                return Poll::Ready(Err(e));
            }
        }
    }
}

impl AsyncWrite for GuardedIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    /// Writes a pending refusal (after everything hyper wrote), then shuts down. After a
    /// refusal, what the client still sends (the rest of an oversized request) is read and
    /// dropped for a moment ([`LINGER`]), so that closing does not reset the connection before
    /// the client has read the answer.
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        while let Some(answer) = this.refusal.as_mut() {
            if answer.is_empty() {
                this.refusal = None;
                this.linger = Some(Box::pin(tokio::time::sleep(LINGER)));
                break;
            }
            match ready!(Pin::new(&mut this.inner).poll_write(cx, answer)) {
                Ok(0) | Err(_) => this.refusal = None,
                Ok(n) => answer.advance(n),
            }
        }
        if !this.shut_down {
            let shut = ready!(Pin::new(&mut this.inner).poll_shutdown(cx));
            this.shut_down = true;
            if this.linger.is_none() {
                return Poll::Ready(shut);
            }
        }
        while let Some(deadline) = this.linger.as_mut() {
            if deadline.as_mut().poll(cx).is_ready() || this.peer_closed {
                this.linger = None;
                break;
            }
            let mut chunk = [0u8; READ_CHUNK];
            let mut buf = ReadBuf::new(&mut chunk);
            match ready!(Pin::new(&mut this.inner).poll_read(cx, &mut buf)) {
                Ok(()) if !buf.filled().is_empty() => {}
                _ => this.peer_closed = true,
            }
        }
        Poll::Ready(Ok(()))
    }
}
