//! SQLite for the reference: WAL, `synchronous=FULL`, one writer thread that commits whatever
//! is queued as one transaction (one fsync per group), and reader threads for ListConnections.

use std::path::Path;
use std::sync::LazyLock;
use std::thread;

use crossbeam_channel::{Receiver, Sender};
use rusqlite::{params, Connection, ErrorCode, OptionalExtension};
use time::OffsetDateTime;
use tokio::sync::oneshot;

use super::store::{
    counted_filters, Create, ListQuery, Row, StoreError, StoredKey, Update, ROW_COLS, WRITABLE_JOIN,
};

/// The reference's own schema.
pub const SCHEMA: &str = include_str!("schema/sqlite.sql");

/// Recomputes `conn_counts` from the rows (after a bulk load straight through SQL).
pub const RECOUNT_SQL: &str = "DELETE FROM conn_counts; \
     INSERT INTO conn_counts (project_id, env_type, connection_type, sub_type, status, n) \
     SELECT project_id, env_type, connection_type, sub_type, status, count(*) \
     FROM connections GROUP BY 1, 2, 3, 4, 5;";

/// The row's counted columns and the caller's name, when the caller may change it.
static OLD_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT c.project_id, c.connection_type, c.sub_type, c.env_type, c.status, u.name, \
           c.version FROM connections c {} WHERE c.id = ?2",
        WRITABLE_JOIN.replace("{U}", "?1")
    )
});

static STORED_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT c.content, c.version FROM connections c {} WHERE c.id = ?2",
        WRITABLE_JOIN.replace("{U}", "?1")
    )
});

const UPDATE_SQL: &str = "UPDATE connections SET content = ?2, env_type = ?3, \
     description = COALESCE(?4, description), status = COALESCE(?5, status), operator = ?6, \
     gmt_modified = ?7, version = version + 1 WHERE id = ?1 RETURNING version";

const COUNT_MOVE_SQL: &str = "INSERT INTO conn_counts \
     (project_id, env_type, connection_type, sub_type, status, n) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
     ON CONFLICT (project_id, env_type, connection_type, sub_type, status) \
     DO UPDATE SET n = n + excluded.n";

static COUNT_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT COALESCE(sum(n), 0) FROM conn_counts WHERE {}",
        counted_filters(&["?1", "?2", "?3", "?4", "?5"])
    )
});

static COUNT_BY_NAME_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT count(*) FROM connections WHERE {} AND instr(name, ?6) > 0",
        counted_filters(&["?1", "?2", "?3", "?4", "?5"])
    )
});

static PAGE_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {ROW_COLS} FROM connections c WHERE {} AND (?6 IS NULL OR instr(c.name, ?6) > 0) \
         ORDER BY c.sequence DESC LIMIT ?7 OFFSET ?8",
        counted_filters(&["?1", "?2", "?3", "?4", "?5"])
    )
});

/// Most jobs per transaction.
const MAX_BATCH: usize = 512;
/// Reader threads.
const READERS: usize = 2;

type Job = Box<dyn FnOnce(&Connection) + Send>;

/// Handles to the writer and the readers.
pub struct SqliteStore {
    writer: Sender<Job>,
    readers: Sender<Job>,
}

fn db_err(e: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(inner, _) = &e {
        if inner.code == ErrorCode::ConstraintViolation {
            return StoreError::Conflict;
        }
    }
    StoreError::Database(e.to_string())
}

fn millis(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

fn from_millis(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn open_conn(path: &Path, read_only: bool) -> Result<Connection, StoreError> {
    let conn = Connection::open(path).map_err(db_err)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(db_err)?;
    let pragmas = if read_only {
        "PRAGMA query_only = ON;"
    } else {
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
    };
    conn.execute_batch(pragmas).map_err(db_err)?;
    Ok(conn)
}

fn writer_loop(conn: &Connection, jobs: &Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        // Jobs send their answers only after COMMIT: they queue them in `done`.
        let began = conn.execute_batch("BEGIN IMMEDIATE").is_ok();
        for job in batch {
            job(conn);
        }
        if began && conn.execute_batch("COMMIT").is_err() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        DONE.with(|done| {
            for reply in done.borrow_mut().drain(..) {
                reply();
            }
        });
    }
}

thread_local! {
    /// Replies waiting for the writer's COMMIT.
    static DONE: std::cell::RefCell<Vec<Box<dyn FnOnce()>>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl SqliteStore {
    /// Opens (and on first use creates) the database file.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Database(e.to_string()))?;
        }
        let writer_conn = open_conn(path, false)?;
        let exists: bool = writer_conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'connections')",
                [],
                |r| r.get(0),
            )
            .map_err(db_err)?;
        if !exists {
            writer_conn.execute_batch(SCHEMA).map_err(db_err)?;
        }
        let (writer, writer_rx) = crossbeam_channel::unbounded::<Job>();
        thread::Builder::new()
            .name("ref-sqlite-writer".into())
            .spawn(move || writer_loop(&writer_conn, &writer_rx))
            .map_err(|e| StoreError::Database(e.to_string()))?;
        let (readers, readers_rx) = crossbeam_channel::unbounded::<Job>();
        for i in 0..READERS {
            let conn = open_conn(path, true)?;
            let rx = readers_rx.clone();
            thread::Builder::new()
                .name(format!("ref-sqlite-reader-{i}"))
                .spawn(move || {
                    while let Ok(job) = rx.recv() {
                        job(&conn);
                    }
                })
                .map_err(|e| StoreError::Database(e.to_string()))?;
        }
        Ok(Self { writer, readers })
    }

    /// Runs `f` in the writer's current transaction; answers after COMMIT.
    async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let result = f(conn);
            DONE.with(|done| {
                done.borrow_mut().push(Box::new(move || {
                    let _ = tx.send(result);
                }));
            });
        });
        self.writer.send(job).map_err(|_| StoreError::Gone)?;
        rx.await.map_err(|_| StoreError::Gone)?
    }

    async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let _ = tx.send(f(conn));
        });
        self.readers.send(job).map_err(|_| StoreError::Gone)?;
        rx.await.map_err(|_| StoreError::Gone)?
    }

    /// See [`super::store::Store::bootstrap`].
    pub async fn bootstrap(&self, key_id: &str, sealed: &str) -> Result<Option<i64>, StoreError> {
        let (key_id, sealed) = (key_id.to_owned(), sealed.to_owned());
        self.write(move |c| {
            let any: bool = c
                .query_row("SELECT EXISTS (SELECT 1 FROM tenants)", [], |r| r.get(0))
                .map_err(db_err)?;
            if any {
                return Ok(None);
            }
            let now = millis(OffsetDateTime::now_utc());
            c.execute(
                "INSERT INTO tenants (name, created_at) VALUES ('default', ?1)",
                [now],
            )
            .map_err(db_err)?;
            let tenant = c.last_insert_rowid();
            c.execute(
                "INSERT INTO projects (tenant_id, name, created_at) VALUES (?1, 'default', ?2)",
                [tenant, now],
            )
            .map_err(db_err)?;
            let project = c.last_insert_rowid();
            c.execute(
                "INSERT INTO users (tenant_id, name, created_at) VALUES (?1, 'admin', ?2)",
                [tenant, now],
            )
            .map_err(db_err)?;
            let user = c.last_insert_rowid();
            c.execute(
                "INSERT INTO project_members (project_id, user_id, role) VALUES (?1, ?2, 'owner')",
                [project, user],
            )
            .map_err(db_err)?;
            c.execute(
                "INSERT INTO access_keys (id, user_id, sealed_secret, active, created_at) \
                 VALUES (?1, ?2, ?3, 1, ?4)",
                params![key_id, user, sealed, now],
            )
            .map_err(db_err)?;
            Ok(Some(project))
        })
        .await
    }

    /// See [`super::store::Store::find_key`].
    pub async fn find_key(&self, id: &str) -> Result<Option<StoredKey>, StoreError> {
        let id = id.to_owned();
        self.read(move |c| {
            c.prepare_cached("SELECT sealed_secret, user_id, active FROM access_keys WHERE id = ?1")
                .map_err(db_err)?
                .query_row([id], |r| {
                    Ok(StoredKey {
                        sealed_secret: r.get(0)?,
                        user_id: r.get(1)?,
                        active: r.get(2)?,
                    })
                })
                .optional()
                .map_err(db_err)
        })
        .await
    }

    /// See [`super::store::Store::update`]: one job of the writer thread reads the row's
    /// counted columns with the authorization, writes, and moves the row between two counts
    /// when Status or EnvType changed.
    pub async fn update(&self, u: Update) -> Result<Option<i64>, StoreError> {
        self.write(move |c| {
            type Old = (i64, String, String, i32, i32, String, i64);
            let old: Option<Old> = c
                .prepare_cached(&OLD_SQL)
                .map_err(db_err)?
                .query_row(params![u.user_id, u.connection_id], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ))
                })
                .optional()
                .map_err(db_err)?;
            let Some((project, ctype, sub, env, status, operator, version)) = old else {
                return Ok(None);
            };
            if u.expected_version.is_some_and(|v| v != version) {
                return Ok(None);
            }
            let new_version: i64 = c
                .prepare_cached(UPDATE_SQL)
                .map_err(db_err)?
                .query_row(
                    params![
                        u.connection_id,
                        u.content,
                        u.env_type,
                        u.description,
                        u.status,
                        operator,
                        millis(u.now)
                    ],
                    |r| r.get(0),
                )
                .map_err(db_err)?;
            let new_status = u.status.unwrap_or(status);
            if (env, status) != (u.env_type, new_status) {
                let mut moved = c.prepare_cached(COUNT_MOVE_SQL).map_err(db_err)?;
                moved
                    .execute(params![project, env, ctype, sub, status, -1])
                    .map_err(db_err)?;
                moved
                    .execute(params![project, u.env_type, ctype, sub, new_status, 1])
                    .map_err(db_err)?;
            }
            Ok(Some(new_version))
        })
        .await
    }

    /// See [`super::store::Store::stored_content`].
    pub async fn stored_content(
        &self,
        user_id: i64,
        connection_id: i64,
    ) -> Result<Option<(String, i64)>, StoreError> {
        self.read(move |c| {
            c.prepare_cached(&STORED_SQL)
                .map_err(db_err)?
                .query_row([user_id, connection_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
                .map_err(db_err)
        })
        .await
    }

    /// See [`super::store::Store::create`].
    pub async fn create(&self, n: Create) -> Result<Option<i64>, StoreError> {
        self.write(move |c| {
            let auth = c
                .prepare_cached(
                    "SELECT p.tenant_id, u.name FROM users u \
                     JOIN projects p ON p.id = ?2 AND p.tenant_id = u.tenant_id AND p.deleted_at IS NULL \
                     JOIN project_members m ON m.project_id = p.id AND m.user_id = u.id \
                       AND m.role IN ('owner', 'admin') \
                     WHERE u.id = ?1",
                )
                .map_err(db_err)?
                .query_row(params![n.user_id, n.project_id], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                })
                .optional()
                .map_err(db_err)?;
            let Some((tenant_id, operator)) = auth else {
                return Ok(None);
            };
            let sequence: i64 = c
                .prepare_cached(
                    "UPDATE projects SET connection_seq = connection_seq + 1 WHERE id = ?1 \
                     RETURNING connection_seq",
                )
                .map_err(db_err)?
                .query_row([n.project_id], |r| r.get(0))
                .map_err(db_err)?;
            let now = millis(n.now);
            let id = c.prepare_cached(
                "INSERT INTO connections (tenant_id, project_id, name, connection_type, sub_type, \
                   description, env_type, status, content, sequence, operator, gmt_create, gmt_modified) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?9, ?10, ?11, ?11) RETURNING id",
            )
            .map_err(db_err)?
            .query_row(
                params![
                    tenant_id,
                    n.project_id,
                    n.name,
                    n.connection_type,
                    n.sub_type.as_deref().unwrap_or(""),
                    n.description,
                    n.env_type,
                    n.content,
                    sequence,
                    operator,
                    now
                ],
                |r| r.get::<_, i64>(0),
            )
            .map_err(db_err)?;
            c.prepare_cached(COUNT_MOVE_SQL)
                .map_err(db_err)?
                .execute(params![
                    n.project_id,
                    n.env_type,
                    n.connection_type,
                    n.sub_type.as_deref().unwrap_or(""),
                    1,
                    1
                ])
                .map_err(db_err)?;
            Ok(Some(id))
        })
        .await
    }

    /// See [`super::store::Store::list`].
    pub async fn list(
        &self,
        user_id: i64,
        q: ListQuery,
    ) -> Result<Option<(i64, Vec<Row>)>, StoreError> {
        self.read(move |c| {
            let member: bool = c
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM users u \
                     JOIN projects p ON p.id = ?2 AND p.tenant_id = u.tenant_id AND p.deleted_at IS NULL \
                     JOIN project_members m ON m.project_id = p.id AND m.user_id = u.id \
                     WHERE u.id = ?1)",
                )
                .map_err(db_err)?
                .query_row([user_id, q.project_id], |r| r.get(0))
                .map_err(db_err)?;
            if !member {
                return Ok(None);
            }
            let filters = params![
                q.project_id,
                q.connection_type,
                q.sub_type,
                q.status,
                q.env_type,
                q.name,
                q.limit,
                q.offset
            ];
            let total: i64 = if q.name.is_some() {
                c.prepare_cached(&COUNT_BY_NAME_SQL)
                    .map_err(db_err)?
                    .query_row(&filters[..6], |r| r.get(0))
                    .map_err(db_err)?
            } else {
                c.prepare_cached(&COUNT_SQL)
                    .map_err(db_err)?
                    .query_row(&filters[..5], |r| r.get(0))
                    .map_err(db_err)?
            };
            let mut stmt = c.prepare_cached(&PAGE_SQL).map_err(db_err)?;
            let rows = stmt
                .query_map(filters, |r| {
                    Ok(Row {
                        id: r.get(0)?,
                        tenant_id: r.get(1)?,
                        project_id: r.get(2)?,
                        name: r.get(3)?,
                        connection_type: r.get(4)?,
                        sub_type: Some(r.get::<_, String>(5)?).filter(|s| !s.is_empty()),
                        description: r.get(6)?,
                        env_type: r.get(7)?,
                        status: r.get(8)?,
                        content: r.get(9)?,
                        connect_status: r.get(10)?,
                        shared: r.get(11)?,
                        sequence: r.get(12)?,
                        binding_calc_engine_id: r.get(13)?,
                        default_engine: r.get(14)?,
                        operator: r.get(15)?,
                        gmt_create: from_millis(r.get(16)?),
                        gmt_modified: from_millis(r.get(17)?),
                    })
                })
                .map_err(db_err)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(db_err)?;
            Ok(Some((total, rows)))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    /// The reference runs on its own schema: none of the service's triggers or tables.
    #[test]
    fn the_schema_is_its_own() {
        let schema = super::SCHEMA.to_ascii_lowercase();
        assert!(!schema.contains("create trigger"));
        assert!(!schema.contains("connection_counts"));
        assert!(schema.contains("conn_counts"));
    }
}
