//! A fixed set of PostgreSQL connections shared by every request, for the single statements of
//! the hot paths (UpdateConnection, ListConnections, authorization reads).
//!
//! A pooled connection is held by one request at a time, so each statement costs its own
//! `sendto`/`recvfrom` and wake-ups. A `tokio_postgres::Client` is safe to share and pipelines:
//! statements issued concurrently on one client go out in one write and their answers come back
//! in one read. Requests are spread round-robin over the slots. A slot whose connection has
//! closed (the server restarted, the network broke) reconnects on its next use; statements are
//! prepared once per connection. Transactions still take a connection of their own from the
//! pool.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use tokio_postgres::{Client, Config, NoTls, Statement};

/// The shared connections.
pub(crate) struct Pipelined {
    slots: Vec<Slot>,
    next: AtomicUsize,
    config: Config,
}

struct Slot {
    connection: RwLock<Option<Arc<Shared>>>,
    /// One reconnection at a time per slot.
    reconnecting: tokio::sync::Mutex<()>,
}

/// One connection and the statements prepared on it.
pub(crate) struct Shared {
    pub(crate) client: Client,
    /// Keyed by the SQL's address and length: every statement here is a `&'static str`, so
    /// equal keys are the same text, and the lookup does not hash the text.
    statements: Mutex<HashMap<(usize, usize), Statement>>,
}

impl Pipelined {
    /// `size` slots, connected on first use.
    pub(crate) fn new(config: Config, size: usize) -> Self {
        let slots = (0..size.max(1))
            .map(|_| Slot {
                connection: RwLock::new(None),
                reconnecting: tokio::sync::Mutex::new(()),
            })
            .collect();
        Self {
            slots,
            next: AtomicUsize::new(0),
            config,
        }
    }

    /// The next slot's connection, (re)connecting it when needed.
    pub(crate) async fn get(&self) -> Result<Arc<Shared>, tokio_postgres::Error> {
        let slot = &self.slots[self.next.fetch_add(1, Ordering::Relaxed) % self.slots.len()];
        if let Some(open) = slot.open() {
            return Ok(open);
        }
        let _one_at_a_time = slot.reconnecting.lock().await;
        if let Some(open) = slot.open() {
            return Ok(open);
        }
        let (client, connection) = self.config.connect(NoTls).await?;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::warn!(error = %super::describe(&e), "a shared PostgreSQL connection ended");
            }
        });
        let shared = Arc::new(Shared {
            client,
            statements: Mutex::new(HashMap::new()),
        });
        *slot
            .connection
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Some(shared.clone());
        Ok(shared)
    }
}

impl Slot {
    fn open(&self) -> Option<Arc<Shared>> {
        self.connection
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .filter(|c| !c.client.is_closed())
            .cloned()
    }
}

impl Shared {
    /// `sql` prepared on this connection (once).
    pub(crate) async fn statement(
        &self,
        sql: &'static str,
    ) -> Result<Statement, tokio_postgres::Error> {
        let key = (sql.as_ptr() as usize, sql.len());
        let cached = self
            .statements
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned();
        if let Some(statement) = cached {
            return Ok(statement);
        }
        let statement = self.client.prepare(sql).await?;
        self.statements
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, statement.clone());
        Ok(statement)
    }
}
