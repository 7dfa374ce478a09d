//! The embedded store: one SQLite file in WAL mode.
//!
//! All writes go to ONE dedicated writer thread that groups whatever jobs are queued into a
//! single transaction (`synchronous=FULL`, so one fsync per group instead of per request); each
//! job runs inside its own savepoint so that a failing job (say, a name conflict) rolls back
//! alone. Callers get their answer only after the group's COMMIT. Reads go to a few reader
//! threads with read-only connections, which WAL lets run beside the writer.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};
use std::thread;

use async_trait::async_trait;
use crossbeam_channel::{Receiver, Sender};
use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension, Row};
use time::OffsetDateTime;

use super::{
    dedup_shared, migrations, role_from_db, with_shared, AccessKeyRecord, Backend, BootstrapIds,
    BootstrapSeed, ConnectionAccess, ConnectionChange, ConnectionFilter, ConnectionRecord,
    KeyGeneration, KeyStamp, MemberRecord, NewConnection, ProjectAccess, ProjectRecord,
    SharePermission, ShareRecord, Store, StoreError, StoreOptions, TenantRecord, UserRecord,
};
use crate::domain::model::Role;

type ReadJob = Box<dyn FnOnce(&Connection) + Send>;
type Finish = Box<dyn FnOnce(Result<(), String>) + Send>;
/// A write: run with `Some(connection)` inside its savepoint, or with `None` when its group could
/// not start (it then only reports the failure). Returns whether it succeeded and how to answer
/// its caller once the group's COMMIT outcome is known.
type WriteFn = Box<dyn FnOnce(Option<&Connection>) -> (bool, Finish) + Send>;

/// A write and whether it needs a savepoint of its own.
struct WriteJob {
    run: WriteFn,
    /// One statement: SQLite already undoes a failed statement alone, so the savepoint (which
    /// makes a failing multi-statement job roll back alone within the group) is skipped.
    single_statement: bool,
}

/// The SQLite implementation of [`Store`].
pub struct SqliteStore {
    writer: Sender<WriteJob>,
    readers: Sender<ReadJob>,
    path: PathBuf,
    stats: Arc<WriterCounters>,
}

/// Counters of the writer thread.
#[derive(Debug, Default)]
struct WriterCounters {
    groups: AtomicU64,
    jobs: AtomicU64,
}

/// How well writes are being grouped: `jobs / groups` writes share one fsync on average.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriterStats {
    /// Transactions committed (or attempted).
    pub groups: u64,
    /// Write jobs run.
    pub jobs: u64,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish()
    }
}

fn db_err(e: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(ref inner, _) = e {
        if inner.code == ErrorCode::ConstraintViolation
            && (inner.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || inner.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
        {
            return StoreError::Conflict("a row with this name or id".to_owned());
        }
    }
    StoreError::Database(e.to_string())
}

fn to_millis(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

fn from_millis(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

const CONN_COLS: &str = "c.id, c.tenant_id, c.project_id, c.name, c.connection_type, c.sub_type, \
     c.description, c.env_type, c.status, c.content, c.connect_status, c.shared, c.sequence, \
     c.binding_calc_engine_id, c.default_engine, c.operator, c.gmt_create, c.gmt_modified, c.version";

/// The filters of ListConnections that `connection_counts` also has columns for (`?1`, `?3`..`?6`).
const COUNTED_FILTERS: &str = "project_id = ?1 \
     AND (?3 IS NULL OR connection_type = ?3) \
     AND (?4 IS NULL OR sub_type = ?4) \
     AND (?5 IS NULL OR status = ?5) \
     AND (?6 IS NULL OR env_type = ?6)";

/// Every filter of ListConnections over `connections`, as `?1`..`?6`.
static LIST_FILTERS: LazyLock<String> =
    LazyLock::new(|| format!("{COUNTED_FILTERS} AND (?2 IS NULL OR instr(name, ?2) > 0)"));

/// One page and the total in one statement (one snapshot). The total comes from the
/// trigger-kept `connection_counts` (a handful of rows whatever the project's size); the page
/// walks the (project_id, sequence DESC) index.
static LIST_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT t.total, {CONN_COLS} FROM \
           (SELECT COALESCE(sum(n), 0) AS total FROM connection_counts \
            WHERE {COUNTED_FILTERS}) t \
         LEFT JOIN (SELECT * FROM connections WHERE {filters} \
           ORDER BY sequence DESC LIMIT ?7 OFFSET ?8) c ON 1 \
         ORDER BY c.sequence DESC",
        filters = *LIST_FILTERS
    )
});

/// As [`LIST_SQL`] with a Name filter: a substring cannot be counted ahead, so the total
/// counts the project's matching rows.
static LIST_BY_NAME_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT t.total, {CONN_COLS} FROM \
           (SELECT count(*) AS total FROM connections WHERE {filters}) t \
         LEFT JOIN (SELECT * FROM connections WHERE {filters} \
           ORDER BY sequence DESC LIMIT ?7 OFFSET ?8) c ON 1 \
         ORDER BY c.sequence DESC",
        filters = *LIST_FILTERS
    )
});

/// The caller's tenant, the connection's live project and role there, the best share permission
/// reaching the caller (`'WRITE'` sorts after `'READ'`), and the connection.
static CONNECTION_ACCESS_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT u.tenant_id, p.id, m.role, \
           (SELECT max(s.permission) FROM connection_shares s \
            JOIN projects rp ON rp.id = s.project_id AND rp.deleted_at IS NULL \
              AND rp.tenant_id = c.tenant_id \
            JOIN project_members rm ON rm.project_id = rp.id AND rm.user_id = u.id \
            WHERE s.connection_id = c.id AND s.user_id IN (0, u.id)), \
           {CONN_COLS} FROM users u \
         LEFT JOIN connections c ON c.id = ?2 AND c.tenant_id = u.tenant_id \
         LEFT JOIN projects p ON p.id = c.project_id AND p.deleted_at IS NULL \
         LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = u.id \
         WHERE u.id = ?1"
    )
});

/// The data sources shared with project `?1` (with all its members, or with user `?7` in it)
/// whose own project is live, under ListConnections' filters (`?2` matches the shared name),
/// one row per share, by data source id descending and the user's own share first.
static SHARED_LIST_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT s.shared_name, {CONN_COLS} FROM connection_shares s \
         JOIN connections c ON c.id = s.connection_id \
         JOIN projects sp ON sp.id = c.project_id AND sp.deleted_at IS NULL \
         WHERE s.project_id = ?1 AND s.user_id IN (0, ?7) \
           AND (?2 IS NULL OR instr(s.shared_name, ?2) > 0) \
           AND (?3 IS NULL OR c.connection_type = ?3) \
           AND (?4 IS NULL OR c.sub_type = ?4) \
           AND (?5 IS NULL OR c.status = ?5) \
           AND (?6 IS NULL OR c.env_type = ?6) \
         ORDER BY c.id DESC, s.user_id DESC"
    )
});

/// Reads the 19 connection columns starting at `at`; `None` when the (outer-joined) id is NULL.
fn connection_at(row: &Row<'_>, at: usize) -> rusqlite::Result<Option<ConnectionRecord>> {
    let Some(id) = row.get::<_, Option<i64>>(at)? else {
        return Ok(None);
    };
    Ok(Some(ConnectionRecord {
        id,
        tenant_id: row.get(at + 1)?,
        project_id: row.get(at + 2)?,
        name: row.get(at + 3)?,
        connection_type: row.get(at + 4)?,
        sub_type: row.get(at + 5)?,
        description: row.get(at + 6)?,
        env_type: row.get(at + 7)?,
        status: row.get(at + 8)?,
        content: row.get(at + 9)?,
        connect_status: row.get(at + 10)?,
        shared: row.get(at + 11)?,
        sequence: row.get(at + 12)?,
        binding_calc_engine_id: row.get(at + 13)?,
        default_engine: row.get(at + 14)?,
        operator: row.get(at + 15)?,
        gmt_create: from_millis(row.get(at + 16)?),
        gmt_modified: from_millis(row.get(at + 17)?),
        version: row.get(at + 18)?,
    }))
}

fn project_access(
    conn: &Connection,
    user_id: i64,
    project_id: i64,
) -> rusqlite::Result<ProjectAccess> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.tenant_id, p.id, m.role FROM users u \
         LEFT JOIN projects p ON p.id = ?2 AND p.tenant_id = u.tenant_id AND p.deleted_at IS NULL \
         LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = u.id \
         WHERE u.id = ?1",
    )?;
    let found = stmt
        .query_row(params![user_id, project_id], |row| {
            Ok((
                row.get::<_, Option<i64>>(0)?,
                row.get::<_, Option<i64>>(1)?,
                row.get::<_, Option<String>>(2)?,
            ))
        })
        .optional()?;
    Ok(match found {
        None => ProjectAccess::default(),
        Some((tenant, project, role)) => ProjectAccess {
            in_tenant: tenant.is_some(),
            project_exists: project.is_some(),
            role: role_from_db(role),
        },
    })
}

fn apply_migrations(conn: &mut Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (\
           version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
    )
    .map_err(db_err)?;
    for m in migrations::SQLITE {
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(db_err)?;
        let applied: bool = tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?1)",
                [m.version],
                |r| r.get(0),
            )
            .map_err(db_err)?;
        if !applied {
            tx.execute_batch(m.sql).map_err(db_err)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                params![m.version, m.name, to_millis(OffsetDateTime::now_utc())],
            )
            .map_err(db_err)?;
        }
        tx.commit().map_err(db_err)?;
    }
    Ok(())
}

fn writer_loop(
    conn: Connection,
    jobs: Receiver<WriteJob>,
    max_batch: usize,
    stats: Arc<WriterCounters>,
) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < max_batch {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        stats.groups.fetch_add(1, Ordering::Relaxed);
        stats.jobs.fetch_add(batch.len() as u64, Ordering::Relaxed);
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
            let message = format!("could not begin a transaction: {e}");
            tracing::error!(error = %message, "sqlite writer");
            for job in batch {
                let (_, finish) = (job.run)(None);
                finish(Err(message.clone()));
            }
            continue;
        }
        let mut finishers = Vec::with_capacity(batch.len());
        for job in batch {
            if job.single_statement {
                let (_, finish) = (job.run)(Some(&conn));
                finishers.push(finish);
                continue;
            }
            // Cached statements: parsing these three on every job cost more than running them.
            if let Err(e) = run_cached(&conn, "SAVEPOINT job") {
                let message = format!("could not open a savepoint: {e}");
                tracing::error!(error = %message, "sqlite writer");
                let (_, finish) = (job.run)(None);
                finishers
                    .push(Box::new(move |_: Result<(), String>| finish(Err(message))) as Finish);
                continue;
            }
            let (ok, finish) = (job.run)(Some(&conn));
            let end = if ok {
                run_cached(&conn, "RELEASE job")
            } else {
                run_cached(&conn, "ROLLBACK TO job").and_then(|()| run_cached(&conn, "RELEASE job"))
            };
            if let Err(e) = end {
                tracing::error!(error = %e, "sqlite writer could not close a savepoint");
            }
            finishers.push(finish);
        }
        let outcome = conn.execute_batch("COMMIT").map_err(|e| {
            let _ = conn.execute_batch("ROLLBACK");
            e.to_string()
        });
        for finish in finishers {
            finish(outcome.clone());
        }
    }
}

fn run_cached(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(drop)
}

fn reader_loop(conn: Connection, jobs: Receiver<ReadJob>) {
    while let Ok(job) = jobs.recv() {
        job(&conn);
    }
}

fn open_connection(path: &Path, read_only: bool) -> Result<Connection, StoreError> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = Connection::open_with_flags(path, flags).map_err(db_err)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(db_err)?;
    conn.set_prepared_statement_cache_capacity(64);
    let pragmas = if read_only {
        "PRAGMA foreign_keys = ON; PRAGMA query_only = ON;"
    } else {
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
    };
    conn.execute_batch(pragmas).map_err(db_err)?;
    Ok(conn)
}

/// The marker file beside the database (`<database>-keys`) to which every AccessKey change appends a byte
/// once committed: a running server compares its stamp before each use of its credential cache
/// ([`KeyGeneration`]), so a key revoked by another process is refused on the next request.
fn key_marker_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push("-keys");
    PathBuf::from(name)
}

/// Opens the marker for appending, creating it (mode 0600) when missing.
fn open_key_marker(database: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .read(true)
        .open(key_marker_path(database))
}

/// Appends one byte to the marker: its size counts the key changes, so it only grows and two
/// changes can never look alike (file times have a clock tick's granularity). Called after the
/// change's COMMIT; if the process dies in between, running servers see the change within the
/// credential cache's TTL instead.
fn announce_key_change(database: &Path) -> std::io::Result<()> {
    use std::io::Write;
    open_key_marker(database)?.write_all(b"\n")
}

/// [`KeyGeneration`] for SQLite: the marker's size and times through its open descriptor, one
/// `fstat` per call (about half a microsecond on the development VM; no path lookup, no database
/// read).
struct SqliteKeyMarker {
    file: std::fs::File,
    path: PathBuf,
}

impl KeyGeneration for SqliteKeyMarker {
    fn current(&self) -> Result<KeyStamp, StoreError> {
        use std::os::unix::fs::MetadataExt;
        let m = self
            .file
            .metadata()
            .map_err(|e| StoreError::Database(format!("{}: {e}", self.path.display())))?;
        if m.nlink() == 0 {
            // Deleted or replaced: changes now go to another file, which this descriptor does
            // not see. Report it, so the cache is bypassed rather than trusted.
            return Err(StoreError::Database(format!(
                "{} was removed; AccessKeys are read from the database until restart",
                self.path.display()
            )));
        }
        // The size counts the changes; the times catch a marker edited by hand.
        Ok(KeyStamp([
            m.size() as i64,
            m.mtime()
                .wrapping_mul(1_000_000_000)
                .wrapping_add(m.mtime_nsec()),
            m.ctime()
                .wrapping_mul(1_000_000_000)
                .wrapping_add(m.ctime_nsec()),
        ]))
    }
}

impl SqliteStore {
    /// Opens (creating the file and its parent directories) and migrates the database at
    /// `path`, then starts the writer and reader threads.
    pub async fn open(path: &Path, options: &StoreOptions) -> Result<Self, StoreError> {
        let path = path.to_path_buf();
        let opened_path = path.clone();
        let options = options.clone();
        tokio::task::spawn_blocking(move || {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| {
                    StoreError::Database(format!("creating {}: {e}", parent.display()))
                })?;
            }
            let mut writer = open_connection(&path, false)?;
            apply_migrations(&mut writer)?;
            let (write_tx, write_rx) = crossbeam_channel::unbounded::<WriteJob>();
            let max_batch = options.sqlite_max_batch.max(1);
            let stats = Arc::new(WriterCounters::default());
            let writer_stats = stats.clone();
            thread::Builder::new()
                .name("sqlite-writer".into())
                .spawn(move || writer_loop(writer, write_rx, max_batch, writer_stats))
                .map_err(|e| StoreError::Database(format!("starting the writer thread: {e}")))?;
            let (read_tx, read_rx) = crossbeam_channel::unbounded::<ReadJob>();
            for i in 0..options.sqlite_readers.max(1) {
                let conn = open_connection(&path, true)?;
                let rx = read_rx.clone();
                thread::Builder::new()
                    .name(format!("sqlite-reader-{i}"))
                    .spawn(move || reader_loop(conn, rx))
                    .map_err(|e| StoreError::Database(format!("starting a reader thread: {e}")))?;
            }
            Ok(Self {
                writer: write_tx,
                readers: read_tx,
                path: opened_path,
                stats,
            })
        })
        .await
        .map_err(|_| StoreError::WorkerGone)?
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// After a committed AccessKey change: tells running servers ([`announce_key_change`]).
    /// The change itself stands either way; a failure to announce it is an error for the caller
    /// to report (running servers then take up to the credential cache's TTL to notice).
    async fn key_changed(&self, changed: bool) -> Result<bool, StoreError> {
        if !changed {
            return Ok(false);
        }
        let database = self.path.clone();
        tokio::task::spawn_blocking(move || announce_key_change(&database))
            .await
            .map_err(|_| StoreError::WorkerGone)?
            .map_err(|e| {
                StoreError::Database(format!(
                    "the change is committed, but running servers were not told of it at once \
                     ({}: {e}); they notice within 5 s",
                    key_marker_path(&self.path).display()
                ))
            })?;
        Ok(true)
    }

    /// How many transactions the writer committed for how many writes so far.
    pub fn writer_stats(&self) -> WriterStats {
        WriterStats {
            groups: self.stats.groups.load(Ordering::Relaxed),
            jobs: self.stats.jobs.load(Ordering::Relaxed),
        }
    }

    async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: ReadJob = Box::new(move |conn| {
            let _ = tx.send(f(conn));
        });
        self.readers.send(job).map_err(|_| StoreError::WorkerGone)?;
        rx.await.map_err(|_| StoreError::WorkerGone)?
    }

    /// Runs `f` in the writer's group, inside a savepoint of its own.
    async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        self.write_job(false, f).await
    }

    /// Runs `f`, which executes exactly one statement, in the writer's group.
    async fn write_one<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        self.write_job(true, f).await
    }

    async fn write_job<T, F>(&self, single_statement: bool, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let run: WriteFn = Box::new(move |conn: Option<&Connection>| {
            let Some(conn) = conn else {
                let finish: Finish = Box::new(move |outcome| {
                    let message = outcome.err().unwrap_or_default();
                    let _ = tx.send(Err(StoreError::Database(message)));
                });
                return (false, finish);
            };
            let result = f(conn);
            let ok = result.is_ok();
            let finish: Finish = Box::new(move |commit| {
                let _ = tx.send(match commit {
                    Ok(()) => result,
                    Err(e) => Err(StoreError::Database(format!("commit failed: {e}"))),
                });
            });
            (ok, finish)
        });
        let job = WriteJob {
            run,
            single_statement,
        };
        self.writer.send(job).map_err(|_| StoreError::WorkerGone)?;
        rx.await.map_err(|_| StoreError::WorkerGone)?
    }
}

fn tenant_row(row: &Row<'_>) -> rusqlite::Result<TenantRecord> {
    Ok(TenantRecord {
        id: row.get(0)?,
        name: row.get(1)?,
    })
}

fn project_row(row: &Row<'_>) -> rusqlite::Result<ProjectRecord> {
    Ok(ProjectRecord {
        id: row.get(0)?,
        tenant_id: row.get(1)?,
        name: row.get(2)?,
        deleted: row.get::<_, Option<i64>>(3)?.is_some(),
    })
}

fn user_row(row: &Row<'_>) -> rusqlite::Result<UserRecord> {
    Ok(UserRecord {
        id: row.get(0)?,
        tenant_id: row.get(1)?,
        name: row.get(2)?,
    })
}

fn key_row(row: &Row<'_>) -> rusqlite::Result<AccessKeyRecord> {
    Ok(AccessKeyRecord {
        id: row.get(0)?,
        user_id: row.get(1)?,
        user_name: row.get(2)?,
        sealed_secret: row.get(3)?,
        active: row.get(4)?,
    })
}

const KEY_SELECT: &str = "SELECT k.id, k.user_id, u.name, k.sealed_secret, k.active \
     FROM access_keys k JOIN users u ON u.id = k.user_id";

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    fn key_generation(&self) -> Result<Option<Box<dyn KeyGeneration>>, StoreError> {
        let path = key_marker_path(&self.path);
        let file = open_key_marker(&self.path)
            .map_err(|e| StoreError::Database(format!("{}: {e}", path.display())))?;
        Ok(Some(Box::new(SqliteKeyMarker { file, path })))
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.read(|c| c.query_row("SELECT 1", [], |_| Ok(())).map_err(db_err))
            .await
    }

    async fn probe_write(&self) -> Result<(), StoreError> {
        self.write_one(|c| {
            c.execute(super::PROBE_WRITE_SQL, [])
                .map(|_| ())
                .map_err(db_err)
        })
        .await
    }

    async fn project_access(
        &self,
        user_id: i64,
        project_id: i64,
    ) -> Result<ProjectAccess, StoreError> {
        self.read(move |c| project_access(c, user_id, project_id).map_err(db_err))
            .await
    }

    async fn connection_access(
        &self,
        user_id: i64,
        connection_id: i64,
    ) -> Result<ConnectionAccess, StoreError> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&CONNECTION_ACCESS_SQL).map_err(db_err)?;
            let found = stmt
                .query_row(params![user_id, connection_id], |row| {
                    Ok(ConnectionAccess {
                        in_tenant: row.get::<_, Option<i64>>(0)?.is_some(),
                        project_exists: row.get::<_, Option<i64>>(1)?.is_some(),
                        role: role_from_db(row.get(2)?),
                        share: row
                            .get::<_, Option<String>>(3)?
                            .as_deref()
                            .and_then(SharePermission::parse),
                        connection: connection_at(row, 4)?,
                    })
                })
                .optional()
                .map_err(db_err)?;
            Ok(found.unwrap_or_default())
        })
        .await
    }

    async fn insert_connection(&self, new: &NewConnection) -> Result<Option<i64>, StoreError> {
        let new = new.clone();
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
                .query_row(params![new.user_id, new.project_id], |r| {
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
                .query_row([new.project_id], |r| r.get(0))
                .map_err(db_err)?;
            let now = to_millis(new.now);
            let id: i64 = c
                .prepare_cached(
                    "INSERT INTO connections (tenant_id, project_id, name, connection_type, sub_type, \
                       description, env_type, status, content, sequence, operator, gmt_create, gmt_modified) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?9, ?10, ?11, ?11) RETURNING id",
                )
                .map_err(db_err)?
                .query_row(
                    params![
                        tenant_id,
                        new.project_id,
                        new.name,
                        new.connection_type,
                        new.sub_type,
                        new.description,
                        new.env_type,
                        new.content,
                        sequence,
                        operator,
                        now
                    ],
                    |r| r.get(0),
                )
                .map_err(db_err)?;
            Ok(Some(id))
        })
        .await
    }

    async fn update_connection(
        &self,
        change: &ConnectionChange,
    ) -> Result<Option<i64>, StoreError> {
        let change = change.clone();
        // ",mysql,rds,": tested with instr, cheaper than a json_each table per update.
        let allowed = format!(",{},", change.allowed_types.join(","));
        self.write_one(move |c| {
            c.prepare_cached(
                "UPDATE connections SET content = ?3, env_type = ?4, \
                   description = COALESCE(?5, description), status = COALESCE(?6, status), \
                   operator = (SELECT name FROM users WHERE id = ?1), gmt_modified = ?7, \
                   version = version + 1 \
                 WHERE id = ?2 \
                   AND instr(?8, ',' || connection_type || ',') > 0 \
                   AND (?9 IS NULL OR version = ?9) \
                   AND (EXISTS (SELECT 1 FROM users u \
                     JOIN projects p ON p.id = connections.project_id AND p.deleted_at IS NULL \
                     JOIN project_members m ON m.project_id = p.id AND m.user_id = u.id \
                     WHERE u.id = ?1 AND u.tenant_id = connections.tenant_id \
                       AND m.role IN ('owner', 'admin')) \
                   OR EXISTS (SELECT 1 FROM connection_shares s \
                     JOIN projects sp ON sp.id = connections.project_id AND sp.deleted_at IS NULL \
                     JOIN projects rp ON rp.id = s.project_id AND rp.deleted_at IS NULL \
                       AND rp.tenant_id = connections.tenant_id \
                     JOIN project_members rm ON rm.project_id = rp.id AND rm.user_id = ?1 \
                     WHERE s.connection_id = connections.id AND s.user_id IN (0, ?1) \
                       AND s.permission = 'WRITE')) \
                 RETURNING version",
            )
            .map_err(db_err)?
            .query_row(
                params![
                    change.user_id,
                    change.connection_id,
                    change.content,
                    change.env_type,
                    change.description,
                    change.status,
                    to_millis(change.now),
                    allowed,
                    change.expected_version
                ],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_err)
        })
        .await
    }

    async fn delete_connection(
        &self,
        user_id: i64,
        connection_id: i64,
    ) -> Result<bool, StoreError> {
        self.write_one(move |c| {
            let n = c
                .prepare_cached(
                    "DELETE FROM connections WHERE id = ?2 AND binding_calc_engine_id = 0 \
                     AND EXISTS (SELECT 1 FROM users u \
                       JOIN projects p ON p.id = connections.project_id AND p.deleted_at IS NULL \
                       JOIN project_members m ON m.project_id = p.id AND m.user_id = u.id \
                       WHERE u.id = ?1 AND u.tenant_id = connections.tenant_id \
                         AND m.role IN ('owner', 'admin'))",
                )
                .map_err(db_err)?
                .execute(params![user_id, connection_id])
                .map_err(db_err)?;
            Ok(n > 0)
        })
        .await
    }

    async fn list_connections(
        &self,
        user_id: i64,
        filter: &ConnectionFilter,
    ) -> Result<(ProjectAccess, Option<(i64, Vec<ConnectionRecord>)>), StoreError> {
        let f = filter.clone();
        self.read(move |c| {
            // The own page and the shared rows from one snapshot, so that TotalCount is exact;
            // a read transaction, rolled back (nothing to undo) when dropped.
            let _snapshot = if f.include_shared {
                Some(c.unchecked_transaction().map_err(db_err)?)
            } else {
                None
            };
            let access = project_access(c, user_id, f.project_id).map_err(db_err)?;
            if access.role.is_none() {
                return Ok((access, None));
            }
            let sql = if f.name_contains.is_some() {
                &*LIST_BY_NAME_SQL
            } else {
                &*LIST_SQL
            };
            let mut stmt = c.prepare_cached(sql).map_err(db_err)?;
            let mut rows = stmt
                .query(params![
                    f.project_id,
                    f.name_contains,
                    f.connection_type,
                    f.sub_type,
                    f.status,
                    f.env_type,
                    f.limit,
                    f.offset
                ])
                .map_err(db_err)?;
            let mut total = 0;
            let mut list = Vec::new();
            while let Some(row) = rows.next().map_err(db_err)? {
                total = row.get(0).map_err(db_err)?;
                if let Some(rec) = connection_at(row, 1).map_err(db_err)? {
                    list.push(rec);
                }
            }
            drop(rows);
            drop(stmt);
            if !f.include_shared {
                return Ok((access, Some((total, list))));
            }
            let mut stmt = c.prepare_cached(&SHARED_LIST_SQL).map_err(db_err)?;
            let mut rows = stmt
                .query(params![
                    f.project_id,
                    f.name_contains,
                    f.connection_type,
                    f.sub_type,
                    f.status,
                    f.env_type,
                    user_id
                ])
                .map_err(db_err)?;
            let mut shared = Vec::new();
            while let Some(row) = rows.next().map_err(db_err)? {
                let name: String = row.get(0).map_err(db_err)?;
                if let Some(rec) = connection_at(row, 1).map_err(db_err)? {
                    shared.push((name, rec));
                }
            }
            let (total, list) = with_shared(total, list, dedup_shared(shared), f.limit, f.offset);
            Ok((access, Some((total, list))))
        })
        .await
    }

    async fn find_connection_by_name(
        &self,
        user_id: i64,
        project_id: i64,
        name: &str,
        env_type: i32,
    ) -> Result<(ProjectAccess, Option<ConnectionRecord>), StoreError> {
        let name = name.to_owned();
        self.read(move |c| {
            let access = project_access(c, user_id, project_id).map_err(db_err)?;
            if access.role.is_none() {
                return Ok((access, None));
            }
            let found = c
                .prepare_cached(&format!(
                    "SELECT {CONN_COLS} FROM connections c \
                     WHERE c.project_id = ?1 AND c.name = ?2 AND c.env_type = ?3"
                ))
                .map_err(db_err)?
                .query_row(params![project_id, name, env_type], |r| connection_at(r, 0))
                .optional()
                .map_err(db_err)?
                .flatten();
            Ok((access, found))
        })
        .await
    }

    async fn set_binding_calc_engine(
        &self,
        connection_id: i64,
        engine_id: i64,
    ) -> Result<bool, StoreError> {
        self.write_one(move |c| {
            c.prepare_cached("UPDATE connections SET binding_calc_engine_id = ?2 WHERE id = ?1")
                .map_err(db_err)?
                .execute(params![connection_id, engine_id])
                .map(|n| n > 0)
                .map_err(db_err)
        })
        .await
    }

    async fn set_connect_status(&self, connection_id: i64, status: i32) -> Result<(), StoreError> {
        self.write(move |c| {
            c.prepare_cached("UPDATE connections SET connect_status = ?2 WHERE id = ?1")
                .map_err(db_err)?
                .execute(params![connection_id, status])
                .map_err(db_err)?;
            Ok(())
        })
        .await
    }

    async fn replace_shares(
        &self,
        connection_ids: &[i64],
        shares: &[ShareRecord],
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let ids = connection_ids.to_vec();
        let shares = shares.to_vec();
        self.write(move |c| {
            for id in &ids {
                c.prepare_cached("DELETE FROM connection_shares WHERE connection_id = ?1")
                    .map_err(db_err)?
                    .execute([id])
                    .map_err(db_err)?;
            }
            for s in shares.iter().filter(|s| ids.contains(&s.connection_id)) {
                c.prepare_cached(
                    "INSERT INTO connection_shares (connection_id, tenant_id, project_id, user_id, \
                       permission, shared_name, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
                     ON CONFLICT (connection_id, project_id, user_id) DO UPDATE SET \
                       permission = excluded.permission, shared_name = excluded.shared_name",
                )
                .map_err(db_err)?
                .execute(params![
                    s.connection_id,
                    s.tenant_id,
                    s.project_id,
                    s.user_id,
                    s.permission.as_str(),
                    s.shared_name,
                    to_millis(now)
                ])
                .map_err(db_err)?;
            }
            for id in &ids {
                c.prepare_cached(
                    "UPDATE connections SET shared = EXISTS \
                       (SELECT 1 FROM connection_shares WHERE connection_id = ?1) WHERE id = ?1",
                )
                .map_err(db_err)?
                .execute([id])
                .map_err(db_err)?;
            }
            Ok(())
        })
        .await
    }

    async fn list_shares(&self, connection_id: i64) -> Result<Vec<ShareRecord>, StoreError> {
        self.read(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT connection_id, tenant_id, project_id, user_id, permission, shared_name \
                     FROM connection_shares WHERE connection_id = ?1 ORDER BY project_id, user_id",
                )
                .map_err(db_err)?;
            let rows = stmt
                .query_map([connection_id], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get::<_, String>(4)?,
                        r.get(5)?,
                    ))
                })
                .map_err(db_err)?;
            let mut out = Vec::new();
            for row in rows {
                let (connection_id, tenant_id, project_id, user_id, permission, shared_name) =
                    row.map_err(db_err)?;
                let permission = SharePermission::parse(&permission).ok_or_else(|| {
                    StoreError::Database(format!("unknown share permission {permission:?}"))
                })?;
                out.push(ShareRecord {
                    connection_id,
                    tenant_id,
                    project_id,
                    user_id,
                    permission,
                    shared_name,
                });
            }
            Ok(out)
        })
        .await
    }

    async fn create_tenant(&self, name: &str) -> Result<TenantRecord, StoreError> {
        let name = name.to_owned();
        self.write(move |c| {
            c.query_row(
                "INSERT INTO tenants (name, created_at) VALUES (?1, ?2) RETURNING id, name",
                params![name, to_millis(OffsetDateTime::now_utc())],
                tenant_row,
            )
            .map_err(|e| match db_err(e) {
                StoreError::Conflict(_) => StoreError::Conflict(format!("tenant {name:?}")),
                other => other,
            })
        })
        .await
    }

    async fn list_tenants(&self) -> Result<Vec<TenantRecord>, StoreError> {
        self.read(|c| {
            let mut stmt = c
                .prepare_cached("SELECT id, name FROM tenants ORDER BY id")
                .map_err(db_err)?;
            let rows = stmt.query_map([], tenant_row).map_err(db_err)?;
            rows.collect::<Result<_, _>>().map_err(db_err)
        })
        .await
    }

    async fn create_project(
        &self,
        tenant_id: i64,
        name: &str,
    ) -> Result<ProjectRecord, StoreError> {
        let name = name.to_owned();
        self.write(move |c| {
            let exists: bool = c
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM tenants WHERE id = ?1)",
                    [tenant_id],
                    |r| r.get(0),
                )
                .map_err(db_err)?;
            if !exists {
                return Err(StoreError::NotFound(format!("tenant {tenant_id}")));
            }
            c.query_row(
                "INSERT INTO projects (tenant_id, name, created_at) VALUES (?1, ?2, ?3) \
                 RETURNING id, tenant_id, name, deleted_at",
                params![tenant_id, name, to_millis(OffsetDateTime::now_utc())],
                project_row,
            )
            .map_err(|e| match db_err(e) {
                StoreError::Conflict(_) => {
                    StoreError::Conflict(format!("project {name:?} in tenant {tenant_id}"))
                }
                other => other,
            })
        })
        .await
    }

    async fn list_projects(
        &self,
        tenant_id: Option<i64>,
    ) -> Result<Vec<ProjectRecord>, StoreError> {
        self.read(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT id, tenant_id, name, deleted_at FROM projects \
                     WHERE ?1 IS NULL OR tenant_id = ?1 ORDER BY id",
                )
                .map_err(db_err)?;
            let rows = stmt.query_map([tenant_id], project_row).map_err(db_err)?;
            rows.collect::<Result<_, _>>().map_err(db_err)
        })
        .await
    }

    async fn get_project(&self, project_id: i64) -> Result<Option<ProjectRecord>, StoreError> {
        self.read(move |c| {
            c.query_row(
                "SELECT id, tenant_id, name, deleted_at FROM projects WHERE id = ?1",
                [project_id],
                project_row,
            )
            .optional()
            .map_err(db_err)
        })
        .await
    }

    async fn delete_project(&self, project_id: i64) -> Result<bool, StoreError> {
        self.write(move |c| {
            let n = c
                .execute(
                    "UPDATE projects SET deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL",
                    params![project_id, to_millis(OffsetDateTime::now_utc())],
                )
                .map_err(db_err)?;
            Ok(n > 0)
        })
        .await
    }

    async fn create_user(
        &self,
        tenant_id: Option<i64>,
        name: &str,
    ) -> Result<UserRecord, StoreError> {
        let name = name.to_owned();
        self.write(move |c| {
            if let Some(t) = tenant_id {
                let exists: bool = c
                    .query_row(
                        "SELECT EXISTS (SELECT 1 FROM tenants WHERE id = ?1)",
                        [t],
                        |r| r.get(0),
                    )
                    .map_err(db_err)?;
                if !exists {
                    return Err(StoreError::NotFound(format!("tenant {t}")));
                }
            }
            c.query_row(
                "INSERT INTO users (tenant_id, name, created_at) VALUES (?1, ?2, ?3) \
                 RETURNING id, tenant_id, name",
                params![tenant_id, name, to_millis(OffsetDateTime::now_utc())],
                user_row,
            )
            .map_err(|e| match db_err(e) {
                StoreError::Conflict(_) => StoreError::Conflict(format!("user {name:?}")),
                other => other,
            })
        })
        .await
    }

    async fn list_users(&self, tenant_id: Option<i64>) -> Result<Vec<UserRecord>, StoreError> {
        self.read(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT id, tenant_id, name FROM users WHERE ?1 IS NULL OR tenant_id = ?1 ORDER BY id",
                )
                .map_err(db_err)?;
            let rows = stmt.query_map([tenant_id], user_row).map_err(db_err)?;
            rows.collect::<Result<_, _>>().map_err(db_err)
        })
        .await
    }

    async fn find_user(&self, name: &str) -> Result<Option<UserRecord>, StoreError> {
        let name = name.to_owned();
        self.read(move |c| {
            c.query_row(
                "SELECT id, tenant_id, name FROM users WHERE name = ?1",
                [name],
                user_row,
            )
            .optional()
            .map_err(db_err)
        })
        .await
    }

    async fn put_member(
        &self,
        project_id: i64,
        user_id: i64,
        role: Role,
    ) -> Result<(), StoreError> {
        self.write(move |c| {
            c.execute(
                "INSERT INTO project_members (project_id, user_id, role) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role",
                params![project_id, user_id, role.as_str()],
            )
            .map_err(db_err)?;
            Ok(())
        })
        .await
    }

    async fn list_members(&self, project_id: i64) -> Result<Vec<MemberRecord>, StoreError> {
        self.read(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT m.project_id, m.user_id, u.name, m.role FROM project_members m \
                     JOIN users u ON u.id = m.user_id WHERE m.project_id = ?1 ORDER BY m.user_id",
                )
                .map_err(db_err)?;
            let rows = stmt
                .query_map([project_id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, String>(3)?))
                })
                .map_err(db_err)?;
            let mut out = Vec::new();
            for row in rows {
                let (project_id, user_id, user_name, role) = row.map_err(db_err)?;
                if let Some(role) = role_from_db(Some(role)) {
                    out.push(MemberRecord {
                        project_id,
                        user_id,
                        user_name,
                        role,
                    });
                }
            }
            Ok(out)
        })
        .await
    }

    async fn remove_member(&self, project_id: i64, user_id: i64) -> Result<bool, StoreError> {
        self.write(move |c| {
            let n = c
                .execute(
                    "DELETE FROM project_members WHERE project_id = ?1 AND user_id = ?2",
                    params![project_id, user_id],
                )
                .map_err(db_err)?;
            Ok(n > 0)
        })
        .await
    }

    async fn create_access_key(
        &self,
        user_id: i64,
        id: &str,
        sealed_secret: &str,
    ) -> Result<(), StoreError> {
        let (id, sealed) = (id.to_owned(), sealed_secret.to_owned());
        self.write(move |c| {
            c.execute(
                "INSERT INTO access_keys (id, user_id, sealed_secret, active, created_at) \
                 VALUES (?1, ?2, ?3, 1, ?4)",
                params![id, user_id, sealed, to_millis(OffsetDateTime::now_utc())],
            )
            .map_err(db_err)?;
            Ok(())
        })
        .await
    }

    async fn list_access_keys(
        &self,
        user_id: Option<i64>,
    ) -> Result<Vec<AccessKeyRecord>, StoreError> {
        self.read(move |c| {
            let mut stmt = c
                .prepare_cached(&format!(
                    "{KEY_SELECT} WHERE ?1 IS NULL OR k.user_id = ?1 ORDER BY k.id"
                ))
                .map_err(db_err)?;
            let rows = stmt.query_map([user_id], key_row).map_err(db_err)?;
            rows.collect::<Result<_, _>>().map_err(db_err)
        })
        .await
    }

    async fn find_access_key(&self, id: &str) -> Result<Option<AccessKeyRecord>, StoreError> {
        let id = id.to_owned();
        self.read(move |c| {
            c.prepare_cached(&format!("{KEY_SELECT} WHERE k.id = ?1"))
                .map_err(db_err)?
                .query_row([id], key_row)
                .optional()
                .map_err(db_err)
        })
        .await
    }

    async fn set_access_key_active(&self, id: &str, active: bool) -> Result<bool, StoreError> {
        let id = id.to_owned();
        let changed = self
            .write(move |c| {
                let n = c
                    .execute(
                        "UPDATE access_keys SET active = ?2 WHERE id = ?1",
                        params![id, active],
                    )
                    .map_err(db_err)?;
                Ok(n > 0)
            })
            .await?;
        self.key_changed(changed).await
    }

    async fn delete_access_key(&self, id: &str) -> Result<bool, StoreError> {
        let id = id.to_owned();
        let changed = self
            .write(move |c| {
                let n = c
                    .execute("DELETE FROM access_keys WHERE id = ?1", [id])
                    .map_err(db_err)?;
                Ok(n > 0)
            })
            .await?;
        self.key_changed(changed).await
    }

    async fn reset_connections(&self) -> Result<(), StoreError> {
        self.write(|c| {
            c.execute_batch(
                "DELETE FROM connection_shares; \
                 DELETE FROM connections; \
                 DELETE FROM connection_counts; \
                 DELETE FROM sqlite_sequence WHERE name = 'connections'; \
                 UPDATE projects SET connection_seq = 0;",
            )
            .map_err(db_err)
        })
        .await
    }

    async fn bootstrap_if_empty(
        &self,
        seed: &BootstrapSeed,
    ) -> Result<Option<BootstrapIds>, StoreError> {
        let seed = seed.clone();
        self.write(move |c| {
            let any: bool = c
                .query_row("SELECT EXISTS (SELECT 1 FROM tenants)", [], |r| r.get(0))
                .map_err(db_err)?;
            if any {
                return Ok(None);
            }
            let now = to_millis(OffsetDateTime::now_utc());
            let tenant_id: i64 = c
                .query_row(
                    "INSERT INTO tenants (name, created_at) VALUES (?1, ?2) RETURNING id",
                    params![seed.tenant_name, now],
                    |r| r.get(0),
                )
                .map_err(db_err)?;
            let project_id: i64 = c
                .query_row(
                    "INSERT INTO projects (tenant_id, name, created_at) VALUES (?1, ?2, ?3) RETURNING id",
                    params![tenant_id, seed.project_name, now],
                    |r| r.get(0),
                )
                .map_err(db_err)?;
            let user_id: i64 = c
                .query_row(
                    "INSERT INTO users (tenant_id, name, created_at) VALUES (?1, ?2, ?3) RETURNING id",
                    params![tenant_id, seed.user_name, now],
                    |r| r.get(0),
                )
                .map_err(db_err)?;
            c.execute(
                "INSERT INTO project_members (project_id, user_id, role) VALUES (?1, ?2, 'owner')",
                params![project_id, user_id],
            )
            .map_err(db_err)?;
            c.execute(
                "INSERT INTO access_keys (id, user_id, sealed_secret, active, created_at) \
                 VALUES (?1, ?2, ?3, 1, ?4)",
                params![seed.access_key_id, user_id, seed.sealed_secret, now],
            )
            .map_err(db_err)?;
            Ok(Some(BootstrapIds {
                tenant_id,
                project_id,
                user_id,
            }))
        })
        .await
    }
}
