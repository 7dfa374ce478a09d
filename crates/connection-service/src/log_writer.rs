//! Where log lines go: stderr, written in batches.
//!
//! The server logs one line per request. Written with one `write(2)` each, those lines were
//! about 8% of a loaded server's CPU; tracing-appender's non-blocking writer moves the write to
//! a thread but wakes that thread (a futex call) for every line, which still cost ~2%. Here a
//! line is appended to a shared buffer under a short lock; a background thread writes whatever
//! gathered every [`FLUSH_EVERY`], and a logging thread that finds the buffer past
//! [`FLUSH_AT`] writes it itself, so a burst is never dropped and memory stays bounded. Lines
//! keep their order. [`FlushGuard`] writes what is left when the server stops.

use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;

/// How long a line may wait in the buffer.
pub const FLUSH_EVERY: Duration = Duration::from_millis(100);

/// A buffer this large is written at once by the thread that filled it.
pub const FLUSH_AT: usize = 256 * 1024;

/// The `MakeWriter` for `tracing_subscriber::fmt`.
#[derive(Clone)]
pub struct BatchedWriter<W: Write + Send + 'static> {
    shared: Arc<Shared<W>>,
}

struct Shared<W> {
    /// Taken before `pending` whenever both are held, so chunks go out in order.
    out: Mutex<W>,
    pending: Mutex<Vec<u8>>,
    stopping: Mutex<bool>,
    wake: Condvar,
    flush_at: usize,
}

/// Stops the background thread and writes what is left, when dropped.
pub struct FlushGuard<W: Write + Send + 'static> {
    shared: Arc<Shared<W>>,
    thread: Option<JoinHandle<()>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a log lock leaves bytes, never broken invariants: keep going.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl BatchedWriter<io::Stderr> {
    /// Batched stderr with the default interval and threshold.
    pub fn stderr() -> io::Result<(Self, FlushGuard<io::Stderr>)> {
        Self::start(io::stderr(), FLUSH_EVERY, FLUSH_AT)
    }
}

impl<W: Write + Send + 'static> BatchedWriter<W> {
    /// Starts the background thread writing to `out` every `every`.
    pub fn start(out: W, every: Duration, flush_at: usize) -> io::Result<(Self, FlushGuard<W>)> {
        let shared = Arc::new(Shared {
            out: Mutex::new(out),
            pending: Mutex::new(Vec::with_capacity(flush_at.min(FLUSH_AT))),
            stopping: Mutex::new(false),
            wake: Condvar::new(),
            flush_at,
        });
        let background = shared.clone();
        let thread = std::thread::Builder::new()
            .name("log-writer".into())
            .spawn(move || loop {
                let stopping = {
                    let stopping = lock(&background.stopping);
                    let (stopping, _) = background
                        .wake
                        .wait_timeout_while(stopping, every, |stop| !*stop)
                        .unwrap_or_else(PoisonError::into_inner);
                    *stopping
                };
                background.write_pending();
                if stopping {
                    return;
                }
            })?;
        Ok((
            Self {
                shared: shared.clone(),
            },
            FlushGuard {
                shared,
                thread: Some(thread),
            },
        ))
    }
}

impl<W: Write> Shared<W> {
    fn write_pending(&self) {
        let mut out = lock(&self.out);
        let chunk = std::mem::take(&mut *lock(&self.pending));
        if !chunk.is_empty() {
            // Nowhere to report a failing stderr: the lines are dropped.
            let _ = out.write_all(&chunk).and_then(|()| out.flush());
        }
    }
}

impl<W: Write + Send + 'static> Drop for FlushGuard<W> {
    fn drop(&mut self) {
        *lock(&self.shared.stopping) = true;
        self.shared.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.shared.write_pending();
    }
}

/// One event's writer: appends to the shared buffer.
pub struct LineWriter<'a, W: Write + Send + 'static> {
    shared: &'a Shared<W>,
}

impl<W: Write + Send + 'static> Write for LineWriter<'_, W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let full = {
            let mut pending = lock(&self.shared.pending);
            pending.extend_from_slice(bytes);
            pending.len() >= self.shared.flush_at
        };
        if full {
            self.shared.write_pending();
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a, W: Write + Send + 'static> MakeWriter<'a> for BatchedWriter<W> {
    type Writer = LineWriter<'a, W>;

    fn make_writer(&'a self) -> Self::Writer {
        LineWriter {
            shared: &self.shared,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `Write` whose bytes the test can read, counting the writes.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<(Vec<u8>, usize)>>);

    impl Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            let mut s = lock(&self.0);
            s.0.extend_from_slice(bytes);
            s.1 += 1;
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn line(w: &BatchedWriter<Sink>, text: &str) {
        w.make_writer().write_all(text.as_bytes()).unwrap();
    }

    #[test]
    fn lines_wait_for_the_interval_then_go_out_in_one_write() {
        let sink = Sink::default();
        let (w, guard) =
            BatchedWriter::start(sink.clone(), Duration::from_millis(500), FLUSH_AT).unwrap();
        for i in 0..100 {
            line(&w, &format!("line {i}\n"));
        }
        assert!(
            lock(&sink.0).0.is_empty(),
            "nothing written before the interval"
        );
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while lock(&sink.0).0.is_empty() {
            assert!(std::time::Instant::now() < deadline, "never written");
            std::thread::sleep(Duration::from_millis(20));
        }
        let (bytes, writes) = lock(&sink.0).clone();
        let expected: String = (0..100).map(|i| format!("line {i}\n")).collect();
        assert_eq!(String::from_utf8(bytes).unwrap(), expected);
        assert_eq!(writes, 1);
        drop(guard);
    }

    #[test]
    fn a_full_buffer_is_written_by_the_logging_thread_in_order() {
        let sink = Sink::default();
        let (w, guard) =
            BatchedWriter::start(sink.clone(), Duration::from_secs(3600), 1000).unwrap();
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let w = w.clone();
                std::thread::spawn(move || {
                    for i in 0..500 {
                        line(&w, &format!("{t}:{i}\n"));
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert!(
            lock(&sink.0).0.len() >= 1000,
            "written without waiting for the hour-long interval"
        );
        drop(guard);
        let text = String::from_utf8(lock(&sink.0).0.clone()).unwrap();
        assert_eq!(text.lines().count(), 2000, "nothing lost");
        for t in 0..4 {
            let own: Vec<usize> = text
                .lines()
                .filter_map(|l| l.strip_prefix(&format!("{t}:")))
                .map(|i| i.parse().unwrap())
                .collect();
            assert_eq!(
                own,
                (0..500).collect::<Vec<_>>(),
                "thread {t}'s lines in order"
            );
        }
    }

    #[test]
    fn the_guard_writes_what_is_left() {
        let sink = Sink::default();
        let (w, guard) =
            BatchedWriter::start(sink.clone(), Duration::from_secs(3600), FLUSH_AT).unwrap();
        line(&w, "last words\n");
        drop(guard);
        assert_eq!(lock(&sink.0).0, b"last words\n");
    }
}
