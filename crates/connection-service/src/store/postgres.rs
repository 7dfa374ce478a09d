//! The PostgreSQL store, for several replicas behind a load balancer.
//!
//! `tokio-postgres` (an sqlx pool measured ~3x slower here), every statement prepared once per
//! connection and cached. Changing operations are single statements with the authorization in
//! their `WHERE` clause, so each is one round trip; reads that need an authorization check
//! pipeline both queries on one connection. The hot paths (update, list, authorization reads)
//! run on shared pipelined connections ([`pipelined`]); the rest, and anything that needs a
//! transaction, on a `deadpool-postgres` pool.

use std::sync::{Arc, LazyLock};

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use time::OffsetDateTime;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{NoTls, Row};

use super::{
    dedup_shared, migrations, role_from_db, with_shared, AccessKeyRecord, Backend, BootstrapIds,
    BootstrapSeed, ConnectionAccess, ConnectionChange, ConnectionFilter, ConnectionRecord,
    MemberRecord, NewConnection, ProjectAccess, ProjectRecord, SharePermission, ShareRecord, Store,
    StoreError, TenantRecord, UserRecord,
};
use crate::domain::model::Role;

mod pipelined;

use pipelined::{Pipelined, Shared};

/// The PostgreSQL implementation of [`Store`].
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    shared: Arc<Pipelined>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a password: never print it.
        f.debug_struct("PgStore").finish_non_exhaustive()
    }
}

fn db_err(e: tokio_postgres::Error) -> StoreError {
    if e.code() == Some(&SqlState::UNIQUE_VIOLATION) {
        return StoreError::Conflict("a row with this name or id".to_owned());
    }
    StoreError::Database(describe(&e))
}

/// The cause as an operator needs it in the log: for an error PostgreSQL reported, its SQLSTATE
/// and primary message (`SQLSTATE 25006: cannot execute UPDATE in a read-only transaction`) —
/// never its DETAIL, which can quote row values (a unique violation's `Key (name)=(...)`), and
/// never the statement's parameters; for a connection failure, the whole error chain
/// (`error communicating with the server: Connection refused`). tokio-postgres's own `Display`
/// says only `db error`.
pub(crate) fn describe(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("SQLSTATE {}: {}", db.code().code(), db.message());
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn pool_err(e: deadpool_postgres::PoolError) -> StoreError {
    match e {
        deadpool_postgres::PoolError::Backend(e) => db_err(e),
        other => StoreError::Database(other.to_string()),
    }
}

fn renamed(e: StoreError, what: String) -> StoreError {
    match e {
        StoreError::Conflict(_) => StoreError::Conflict(what),
        other => other,
    }
}

const CONN_COLS: &str = "c.id, c.tenant_id, c.project_id, c.name, c.connection_type, c.sub_type, \
     c.description, c.env_type, c.status, c.content, c.connect_status, c.shared, c.sequence, \
     c.binding_calc_engine_id, c.default_engine, c.operator, c.gmt_create, c.gmt_modified, c.version";

/// The caller's tenant, the connection's project and role, the best share permission reaching
/// the caller (`'WRITE'` sorts after `'READ'`), and the connection.
static CONNECTION_ACCESS_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT u.tenant_id, p.id, m.role, \
           (SELECT max(s.permission) FROM connection_shares s \
            JOIN projects rp ON rp.id = s.project_id AND rp.deleted_at IS NULL \
              AND rp.tenant_id = c.tenant_id \
            JOIN project_members rm ON rm.project_id = rp.id AND rm.user_id = u.id \
            WHERE s.connection_id = c.id AND s.user_id IN (0, u.id)), \
           {CONN_COLS} FROM users u \
         LEFT JOIN connections c ON c.id = $2 AND c.tenant_id = u.tenant_id \
         LEFT JOIN projects p ON p.id = c.project_id AND p.deleted_at IS NULL \
         LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = u.id \
         WHERE u.id = $1"
    )
});

/// The filters of ListConnections that the count shards also have columns for (`$1`, `$3`..`$6`).
const COUNTED_FILTERS: &str = "project_id = $1 \
     AND ($3::text IS NULL OR connection_type = $3::text) \
     AND ($4::text IS NULL OR sub_type = $4::text) \
     AND ($5::int IS NULL OR status = $5::int) \
     AND ($6::int IS NULL OR env_type = $6::int)";

/// Every filter of ListConnections over `connections`, as `$1`..`$6`.
static LIST_FILTERS: LazyLock<String> = LazyLock::new(|| {
    format!("{COUNTED_FILTERS} AND ($2::text IS NULL OR strpos(name, $2::text) > 0)")
});

/// One page and the total in one statement (one snapshot). The total sums the trigger-kept
/// `connection_count_shards` (64 shards per key, a few hundred rows at most whatever the
/// project's size; migration 4); the page walks the (project_id, sequence DESC) index.
static LIST_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT t.total, {CONN_COLS} FROM \
           (SELECT COALESCE(sum(n), 0)::bigint AS total FROM connection_count_shards \
            WHERE {COUNTED_FILTERS}) t \
         LEFT JOIN (SELECT * FROM connections WHERE {filters} \
           ORDER BY sequence DESC LIMIT $7 OFFSET $8) c ON true \
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
           ORDER BY sequence DESC LIMIT $7 OFFSET $8) c ON true \
         ORDER BY c.sequence DESC",
        filters = *LIST_FILTERS
    )
});

/// [`LIST_SQL`] (or [`LIST_BY_NAME_SQL`]) followed, in the same statement and so the same
/// snapshot, by the data sources shared with project `$1` (with all its members, or with user
/// `$9` in it) whose own project is live, under the same filters (`$2` matches the shared name):
/// `kind` 0 for the own page, 1 for each share, by id descending and the user's share first.
fn list_with_shared_sql(own: &str) -> String {
    format!(
        "SELECT x.* FROM (\
           SELECT 0 AS kind, o.sequence AS k1, 0::bigint AS k2, NULL::text AS shared_name, o.* \
           FROM ({own}) o \
           UNION ALL \
           SELECT 1, c.id, s.user_id, s.shared_name, NULL::bigint, {CONN_COLS} \
           FROM connection_shares s \
           JOIN connections c ON c.id = s.connection_id \
           JOIN projects sp ON sp.id = c.project_id AND sp.deleted_at IS NULL \
           WHERE s.project_id = $1 AND s.user_id IN (0, $9) \
             AND ($2::text IS NULL OR strpos(s.shared_name, $2::text) > 0) \
             AND ($3::text IS NULL OR c.connection_type = $3::text) \
             AND ($4::text IS NULL OR c.sub_type = $4::text) \
             AND ($5::int IS NULL OR c.status = $5::int) \
             AND ($6::int IS NULL OR c.env_type = $6::int)) x \
         ORDER BY x.kind, x.k1 DESC NULLS LAST, x.k2 DESC"
    )
}

static LIST_WITH_SHARED_SQL: LazyLock<String> = LazyLock::new(|| list_with_shared_sql(&LIST_SQL));
static LIST_BY_NAME_WITH_SHARED_SQL: LazyLock<String> =
    LazyLock::new(|| list_with_shared_sql(&LIST_BY_NAME_SQL));

fn connection_at(row: &Row, at: usize) -> Result<Option<ConnectionRecord>, StoreError> {
    let get = |e: tokio_postgres::Error| StoreError::Database(describe(&e));
    let Some(id) = row.try_get::<_, Option<i64>>(at).map_err(get)? else {
        return Ok(None);
    };
    Ok(Some(ConnectionRecord {
        id,
        tenant_id: row.try_get(at + 1).map_err(get)?,
        project_id: row.try_get(at + 2).map_err(get)?,
        name: row.try_get(at + 3).map_err(get)?,
        connection_type: row.try_get(at + 4).map_err(get)?,
        sub_type: row.try_get(at + 5).map_err(get)?,
        description: row.try_get(at + 6).map_err(get)?,
        env_type: row.try_get(at + 7).map_err(get)?,
        status: row.try_get(at + 8).map_err(get)?,
        content: row.try_get(at + 9).map_err(get)?,
        connect_status: row.try_get(at + 10).map_err(get)?,
        shared: row.try_get(at + 11).map_err(get)?,
        sequence: row.try_get(at + 12).map_err(get)?,
        binding_calc_engine_id: row.try_get(at + 13).map_err(get)?,
        default_engine: row.try_get(at + 14).map_err(get)?,
        operator: row.try_get(at + 15).map_err(get)?,
        gmt_create: row.try_get(at + 16).map_err(get)?,
        gmt_modified: row.try_get(at + 17).map_err(get)?,
        version: row.try_get(at + 18).map_err(get)?,
    }))
}

const PROJECT_ACCESS_SQL: &str = "SELECT u.tenant_id, p.id, m.role FROM users u \
     LEFT JOIN projects p ON p.id = $2 AND p.tenant_id = u.tenant_id AND p.deleted_at IS NULL \
     LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = u.id \
     WHERE u.id = $1";

fn project_access_of(row: Option<&Row>) -> ProjectAccess {
    match row {
        None => ProjectAccess::default(),
        Some(row) => ProjectAccess {
            in_tenant: row.get::<_, Option<i64>>(0).is_some(),
            project_exists: row.get::<_, Option<i64>>(1).is_some(),
            role: role_from_db(row.get(2)),
        },
    }
}

fn tenant_row(r: &Row) -> TenantRecord {
    TenantRecord {
        id: r.get(0),
        name: r.get(1),
    }
}

fn project_row(r: &Row) -> ProjectRecord {
    ProjectRecord {
        id: r.get(0),
        tenant_id: r.get(1),
        name: r.get(2),
        deleted: r.get::<_, Option<time::OffsetDateTime>>(3).is_some(),
    }
}

fn user_row(r: &Row) -> UserRecord {
    UserRecord {
        id: r.get(0),
        tenant_id: r.get(1),
        name: r.get(2),
    }
}

fn key_row(r: &Row) -> AccessKeyRecord {
    AccessKeyRecord {
        id: r.get(0),
        user_id: r.get(1),
        user_name: r.get(2),
        sealed_secret: r.get(3),
        active: r.get(4),
    }
}

const KEY_SELECT: &str = "SELECT k.id, k.user_id, u.name, k.sealed_secret, k.active \
     FROM access_keys k JOIN users u ON u.id = k.user_id";

/// The default bound of backends per replica: 16 per core. On the hot paths a backend is busy
/// for the statement and its commit flush; with fewer than ~16 per core the flushes of a
/// small machine are not shared (group commit) and the cores idle, with many more PostgreSQL
/// spends its CPU on lock and snapshot bookkeeping (`LWLock/LockManager`, `ProcArray`).
pub fn default_pool_size() -> usize {
    16 * std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// The shared pipelined connections of one replica: `wanted`, but at most a third of the
/// database's usable connections (leaving room for other replicas, the replay cache, the
/// transaction pool, migrations and an operator's psql), and at least 2.
pub fn backend_budget(wanted: usize, usable_connections: usize) -> usize {
    wanted.min(usable_connections / 3).max(2)
}

/// Connections pooled for transactions and the cold paths: an eighth of the budget, at least 4.
fn transaction_pool_size(pool_size: usize) -> usize {
    (pool_size / 8).max(4)
}

/// Lock id that serializes migrations and bootstrap across replicas.
const SCHEMA_LOCK: i64 = 0x4457_5f53_4348_454d;

impl PgStore {
    /// Connects with a URL (`postgres://...`), creates the pool and applies migrations.
    pub async fn connect(url: &str, pool_size: usize) -> Result<Self, StoreError> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|e: tokio_postgres::Error| StoreError::Database(e.to_string()))?;
        Self::connect_with(config, pool_size).await
    }

    /// Connects with a parsed configuration (tests point it at their own database).
    ///
    /// `pool_size` bounds the backends this store opens (see [`backend_budget`]): that many
    /// shared pipelined connections for the hot paths at most, capped by the database's
    /// `max_connections`, and an eighth of them (at least 4) pooled for transactions and the
    /// rest.
    pub async fn connect_with(
        config: tokio_postgres::Config,
        pool_size: usize,
    ) -> Result<Self, StoreError> {
        let pool = Self::pool_for(config.clone(), transaction_pool_size(pool_size))?;
        let probe = Self {
            pool: pool.clone(),
            shared: Arc::new(Pipelined::new(config.clone(), 1)),
        };
        probe.migrate().await?;
        let usable = probe.usable_connections().await?;
        let slots = backend_budget(pool_size, usable);
        tracing::debug!(slots, usable, "PostgreSQL shared connections");
        Ok(Self {
            pool,
            shared: Arc::new(Pipelined::new(config, slots)),
        })
    }

    /// A plain pool of at most `size` connections (no migration): the replay cache's.
    pub fn pool_for(config: tokio_postgres::Config, size: usize) -> Result<Pool, StoreError> {
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        Pool::builder(manager)
            .max_size(size.max(1))
            .build()
            .map_err(|e| StoreError::Database(e.to_string()))
    }

    /// `max_connections` less the superuser reserve: what every client together may open.
    async fn usable_connections(&self) -> Result<usize, StoreError> {
        let c = self.client().await?;
        let row = c
            .query_one(
                "SELECT current_setting('max_connections')::int \
                   - current_setting('superuser_reserved_connections')::int",
                &[],
            )
            .await
            .map_err(db_err)?;
        Ok(usize::try_from(row.get::<_, i32>(0)).unwrap_or(0))
    }

    /// The pool, shared with the PostgreSQL nonce store.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let mut client = self.pool.get().await.map_err(pool_err)?;
        let tx = client.transaction().await.map_err(db_err)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
            .await
            .map_err(db_err)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (\
               version BIGINT PRIMARY KEY, name TEXT NOT NULL, \
               applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        )
        .await
        .map_err(db_err)?;
        for m in migrations::POSTGRES {
            let applied = tx
                .query_opt(
                    "SELECT 1 FROM schema_migrations WHERE version = $1",
                    &[&m.version],
                )
                .await
                .map_err(db_err)?
                .is_some();
            if !applied {
                tx.batch_execute(m.sql).await.map_err(db_err)?;
                tx.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    &[&m.version, &m.name],
                )
                .await
                .map_err(db_err)?;
            }
        }
        tx.commit().await.map_err(db_err)
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool.get().await.map_err(pool_err)
    }

    /// A shared, pipelined connection for one statement of a hot path.
    async fn shared(&self) -> Result<Arc<Shared>, StoreError> {
        self.shared.get().await.map_err(db_err)
    }

    /// ListConnections with the shared data sources after the project's own ones (one
    /// statement, pipelined with the authorization read as in the plain list).
    async fn list_with_shared(
        &self,
        c: &Shared,
        user_id: i64,
        filter: &ConnectionFilter,
    ) -> Result<(ProjectAccess, Option<(i64, Vec<ConnectionRecord>)>), StoreError> {
        let access_stmt = c.statement(PROJECT_ACCESS_SQL).await.map_err(db_err)?;
        let list_sql = if filter.name_contains.is_some() {
            &*LIST_BY_NAME_WITH_SHARED_SQL
        } else {
            &*LIST_WITH_SHARED_SQL
        };
        let list_stmt = c.statement(list_sql).await.map_err(db_err)?;
        let access_params: [&(dyn ToSql + Sync); 2] = [&user_id, &filter.project_id];
        let list_params: [&(dyn ToSql + Sync); 9] = [
            &filter.project_id,
            &filter.name_contains,
            &filter.connection_type,
            &filter.sub_type,
            &filter.status,
            &filter.env_type,
            &filter.limit,
            &filter.offset,
            &user_id,
        ];
        let access_q = c.client.query_opt(&access_stmt, &access_params);
        let list_q = c.client.query(&list_stmt, &list_params);
        let (access_row, rows) = tokio::try_join!(access_q, list_q).map_err(db_err)?;
        let access = project_access_of(access_row.as_ref());
        if access.role.is_none() {
            return Ok((access, None));
        }
        let get = |e: tokio_postgres::Error| StoreError::Database(describe(&e));
        let mut total = 0;
        let mut own = Vec::new();
        let mut shared = Vec::new();
        for row in &rows {
            let kind: i32 = row.try_get(0).map_err(get)?;
            if kind == 0 {
                total = row.try_get(4).map_err(get)?;
                own.extend(connection_at(row, 5)?);
            } else if let Some(rec) = connection_at(row, 5)? {
                shared.push((row.try_get::<_, String>(3).map_err(get)?, rec));
            }
        }
        Ok((
            access,
            Some(with_shared(
                total,
                own,
                dedup_shared(shared),
                filter.limit,
                filter.offset,
            )),
        ))
    }
}

#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    async fn ping(&self) -> Result<(), StoreError> {
        let c = self.client().await?;
        c.simple_query("SELECT 1").await.map_err(db_err)?;
        Ok(())
    }

    async fn probe_write(&self) -> Result<(), StoreError> {
        let c = self.client().await?;
        c.simple_query(super::PROBE_WRITE_SQL)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn project_access(
        &self,
        user_id: i64,
        project_id: i64,
    ) -> Result<ProjectAccess, StoreError> {
        let c = self.client().await?;
        let stmt = c.prepare_cached(PROJECT_ACCESS_SQL).await.map_err(db_err)?;
        let row = c
            .query_opt(&stmt, &[&user_id, &project_id])
            .await
            .map_err(db_err)?;
        Ok(project_access_of(row.as_ref()))
    }

    async fn connection_access(
        &self,
        user_id: i64,
        connection_id: i64,
    ) -> Result<ConnectionAccess, StoreError> {
        let c = self.shared().await?;
        let stmt = c.statement(&CONNECTION_ACCESS_SQL).await.map_err(db_err)?;
        let Some(row) = c
            .client
            .query_opt(&stmt, &[&user_id, &connection_id])
            .await
            .map_err(db_err)?
        else {
            return Ok(ConnectionAccess::default());
        };
        Ok(ConnectionAccess {
            in_tenant: row.get::<_, Option<i64>>(0).is_some(),
            project_exists: row.get::<_, Option<i64>>(1).is_some(),
            role: role_from_db(row.get(2)),
            share: row
                .get::<_, Option<String>>(3)
                .as_deref()
                .and_then(SharePermission::parse),
            connection: connection_at(&row, 4)?,
        })
    }

    async fn insert_connection(&self, new: &NewConnection) -> Result<Option<i64>, StoreError> {
        let c = self.client().await?;
        let stmt = c
            .prepare_cached(
                "WITH auth AS (\
                   SELECT p.id AS project_id, p.tenant_id, u.name AS operator FROM users u \
                   JOIN projects p ON p.id = $2 AND p.tenant_id = u.tenant_id AND p.deleted_at IS NULL \
                   JOIN project_members m ON m.project_id = p.id AND m.user_id = u.id \
                     AND m.role IN ('owner', 'admin') \
                   WHERE u.id = $1), \
                 seq AS (\
                   UPDATE projects SET connection_seq = connection_seq + 1 \
                   WHERE id = (SELECT project_id FROM auth) RETURNING connection_seq) \
                 INSERT INTO connections (tenant_id, project_id, name, connection_type, sub_type, \
                   description, env_type, status, content, sequence, operator, gmt_create, gmt_modified) \
                 SELECT auth.tenant_id, auth.project_id, $3, $4, $5, $6, $7, 1, $8, seq.connection_seq, \
                   auth.operator, $9, $9 FROM auth, seq \
                 RETURNING id",
            )
            .await
            .map_err(db_err)?;
        let row = c
            .query_opt(
                &stmt,
                &[
                    &new.user_id,
                    &new.project_id,
                    &new.name,
                    &new.connection_type,
                    &new.sub_type,
                    &new.description,
                    &new.env_type,
                    &new.content,
                    &new.now,
                ],
            )
            .await
            .map_err(db_err)?;
        Ok(row.map(|r| r.get(0)))
    }

    async fn update_connection(
        &self,
        change: &ConnectionChange,
    ) -> Result<Option<i64>, StoreError> {
        let c = self.shared().await?;
        let stmt = c
            .statement(
                // The authorization as an EXISTS on the row found by its key: written as a
                // join (`UPDATE ... FROM users, projects, members`) PostgreSQL planned a
                // sequential scan of `connections` (5x the execution time on a small table,
                // growing with its dead rows under load).
                "UPDATE connections c SET content = $3, env_type = $4, \
                   description = COALESCE($5, c.description), status = COALESCE($6, c.status), \
                   operator = (SELECT name FROM users WHERE id = $1), gmt_modified = $7, \
                   version = c.version + 1 \
                 WHERE c.id = $2 AND c.connection_type = ANY($8) \
                   AND ($9::bigint IS NULL OR c.version = $9) \
                   AND (EXISTS (SELECT 1 FROM users u \
                     JOIN projects p ON p.id = c.project_id AND p.deleted_at IS NULL \
                     JOIN project_members m ON m.project_id = p.id AND m.user_id = u.id \
                     WHERE u.id = $1 AND u.tenant_id = c.tenant_id \
                       AND m.role IN ('owner', 'admin')) \
                   OR EXISTS (SELECT 1 FROM connection_shares s \
                     JOIN projects sp ON sp.id = c.project_id AND sp.deleted_at IS NULL \
                     JOIN projects rp ON rp.id = s.project_id AND rp.deleted_at IS NULL \
                       AND rp.tenant_id = c.tenant_id \
                     JOIN project_members rm ON rm.project_id = rp.id AND rm.user_id = $1 \
                     WHERE s.connection_id = c.id AND s.user_id IN (0, $1) \
                       AND s.permission = 'WRITE')) \
                 RETURNING c.version",
            )
            .await
            .map_err(db_err)?;
        let row = c
            .client
            .query_opt(
                &stmt,
                &[
                    &change.user_id,
                    &change.connection_id,
                    &change.content,
                    &change.env_type,
                    &change.description,
                    &change.status,
                    &change.now,
                    &change.allowed_types,
                    &change.expected_version,
                ],
            )
            .await
            .map_err(db_err)?;
        Ok(row.map(|r| r.get(0)))
    }

    async fn delete_connection(
        &self,
        user_id: i64,
        connection_id: i64,
    ) -> Result<bool, StoreError> {
        let c = self.client().await?;
        let stmt = c
            .prepare_cached(
                "DELETE FROM connections c USING users u, projects p, project_members m \
                 WHERE c.id = $2 AND c.binding_calc_engine_id = 0 \
                   AND u.id = $1 AND c.tenant_id = u.tenant_id \
                   AND p.id = c.project_id AND p.deleted_at IS NULL \
                   AND m.project_id = p.id AND m.user_id = u.id AND m.role IN ('owner', 'admin')",
            )
            .await
            .map_err(db_err)?;
        let n = c
            .execute(&stmt, &[&user_id, &connection_id])
            .await
            .map_err(db_err)?;
        Ok(n > 0)
    }

    async fn list_connections(
        &self,
        user_id: i64,
        filter: &ConnectionFilter,
    ) -> Result<(ProjectAccess, Option<(i64, Vec<ConnectionRecord>)>), StoreError> {
        let c = self.shared().await?;
        if filter.include_shared {
            return self.list_with_shared(&c, user_id, filter).await;
        }
        let access_stmt = c.statement(PROJECT_ACCESS_SQL).await.map_err(db_err)?;
        let list_sql = if filter.name_contains.is_some() {
            &*LIST_BY_NAME_SQL
        } else {
            &*LIST_SQL
        };
        let list_stmt = c.statement(list_sql).await.map_err(db_err)?;
        // Both queries go out together on one connection (tokio-postgres pipelines them); the
        // page is dropped unread unless the caller may see it.
        let access_params: [&(dyn ToSql + Sync); 2] = [&user_id, &filter.project_id];
        let list_params: [&(dyn ToSql + Sync); 8] = [
            &filter.project_id,
            &filter.name_contains,
            &filter.connection_type,
            &filter.sub_type,
            &filter.status,
            &filter.env_type,
            &filter.limit,
            &filter.offset,
        ];
        let access_q = c.client.query_opt(&access_stmt, &access_params);
        let list_q = c.client.query(&list_stmt, &list_params);
        let (access_row, rows) = tokio::try_join!(access_q, list_q).map_err(db_err)?;
        let access = project_access_of(access_row.as_ref());
        if access.role.is_none() {
            return Ok((access, None));
        }
        let mut total = 0;
        let mut list = Vec::with_capacity(rows.len());
        for row in &rows {
            total = row.get(0);
            if let Some(rec) = connection_at(row, 1)? {
                list.push(rec);
            }
        }
        Ok((access, Some((total, list))))
    }

    async fn find_connection_by_name(
        &self,
        user_id: i64,
        project_id: i64,
        name: &str,
        env_type: i32,
    ) -> Result<(ProjectAccess, Option<ConnectionRecord>), StoreError> {
        let c = self.client().await?;
        let access_stmt = c.prepare_cached(PROJECT_ACCESS_SQL).await.map_err(db_err)?;
        let find_stmt = c
            .prepare_cached(&format!(
                "SELECT {CONN_COLS} FROM connections c \
                 WHERE c.project_id = $1 AND c.name = $2 AND c.env_type = $3"
            ))
            .await
            .map_err(db_err)?;
        let name = name.to_owned();
        let access_params: [&(dyn ToSql + Sync); 2] = [&user_id, &project_id];
        let find_params: [&(dyn ToSql + Sync); 3] = [&project_id, &name, &env_type];
        let (access_row, found) = tokio::try_join!(
            c.query_opt(&access_stmt, &access_params),
            c.query_opt(&find_stmt, &find_params)
        )
        .map_err(db_err)?;
        let access = project_access_of(access_row.as_ref());
        if access.role.is_none() {
            return Ok((access, None));
        }
        let record = match found {
            Some(row) => connection_at(&row, 0)?,
            None => None,
        };
        Ok((access, record))
    }

    async fn set_binding_calc_engine(
        &self,
        connection_id: i64,
        engine_id: i64,
    ) -> Result<bool, StoreError> {
        let c = self.client().await?;
        let n = c
            .execute(
                "UPDATE connections SET binding_calc_engine_id = $2 WHERE id = $1",
                &[&connection_id, &engine_id],
            )
            .await
            .map_err(db_err)?;
        Ok(n > 0)
    }

    async fn set_connect_status(&self, connection_id: i64, status: i32) -> Result<(), StoreError> {
        let c = self.client().await?;
        let stmt = c
            .prepare_cached("UPDATE connections SET connect_status = $2 WHERE id = $1")
            .await
            .map_err(db_err)?;
        c.execute(&stmt, &[&connection_id, &status])
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn replace_shares(
        &self,
        connection_ids: &[i64],
        shares: &[ShareRecord],
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_err)?;
        // Rows locked in id order, so that two changes of overlapping sets cannot deadlock.
        let mut ids = connection_ids.to_vec();
        ids.sort_unstable();
        tx.execute(
            "SELECT 1 FROM connections WHERE id = ANY($1) ORDER BY id FOR UPDATE",
            &[&ids],
        )
        .await
        .map_err(db_err)?;
        tx.execute(
            "DELETE FROM connection_shares WHERE connection_id = ANY($1)",
            &[&ids],
        )
        .await
        .map_err(db_err)?;
        for s in shares.iter().filter(|s| ids.contains(&s.connection_id)) {
            tx.execute(
                "INSERT INTO connection_shares (connection_id, tenant_id, project_id, user_id, \
                   permission, shared_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (connection_id, project_id, user_id) DO UPDATE SET \
                   permission = EXCLUDED.permission, shared_name = EXCLUDED.shared_name",
                &[
                    &s.connection_id,
                    &s.tenant_id,
                    &s.project_id,
                    &s.user_id,
                    &s.permission.as_str(),
                    &s.shared_name,
                    &now,
                ],
            )
            .await
            .map_err(db_err)?;
        }
        tx.execute(
            "UPDATE connections c SET shared = EXISTS \
               (SELECT 1 FROM connection_shares s WHERE s.connection_id = c.id) \
             WHERE c.id = ANY($1)",
            &[&ids],
        )
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn list_shares(&self, connection_id: i64) -> Result<Vec<ShareRecord>, StoreError> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT connection_id, tenant_id, project_id, user_id, permission, shared_name \
                 FROM connection_shares WHERE connection_id = $1 ORDER BY project_id, user_id",
                &[&connection_id],
            )
            .await
            .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                let permission: String = r.get(4);
                Ok(ShareRecord {
                    connection_id: r.get(0),
                    tenant_id: r.get(1),
                    project_id: r.get(2),
                    user_id: r.get(3),
                    permission: SharePermission::parse(&permission).ok_or_else(|| {
                        StoreError::Database(format!("unknown share permission {permission:?}"))
                    })?,
                    shared_name: r.get(5),
                })
            })
            .collect()
    }

    async fn create_tenant(&self, name: &str) -> Result<TenantRecord, StoreError> {
        let c = self.client().await?;
        let row = c
            .query_one(
                "INSERT INTO tenants (name) VALUES ($1) RETURNING id, name",
                &[&name],
            )
            .await
            .map_err(|e| renamed(db_err(e), format!("tenant {name:?}")))?;
        Ok(tenant_row(&row))
    }

    async fn list_tenants(&self) -> Result<Vec<TenantRecord>, StoreError> {
        let c = self.client().await?;
        let rows = c
            .query("SELECT id, name FROM tenants ORDER BY id", &[])
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(tenant_row).collect())
    }

    async fn create_project(
        &self,
        tenant_id: i64,
        name: &str,
    ) -> Result<ProjectRecord, StoreError> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                "INSERT INTO projects (tenant_id, name) \
                 SELECT id, $2 FROM tenants WHERE id = $1 \
                 RETURNING id, tenant_id, name, deleted_at",
                &[&tenant_id, &name],
            )
            .await
            .map_err(|e| renamed(db_err(e), format!("project {name:?} in tenant {tenant_id}")))?;
        row.map(|r| project_row(&r))
            .ok_or_else(|| StoreError::NotFound(format!("tenant {tenant_id}")))
    }

    async fn list_projects(
        &self,
        tenant_id: Option<i64>,
    ) -> Result<Vec<ProjectRecord>, StoreError> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT id, tenant_id, name, deleted_at FROM projects \
                 WHERE $1::bigint IS NULL OR tenant_id = $1 ORDER BY id",
                &[&tenant_id],
            )
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(project_row).collect())
    }

    async fn get_project(&self, project_id: i64) -> Result<Option<ProjectRecord>, StoreError> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                "SELECT id, tenant_id, name, deleted_at FROM projects WHERE id = $1",
                &[&project_id],
            )
            .await
            .map_err(db_err)?;
        Ok(row.as_ref().map(project_row))
    }

    async fn delete_project(&self, project_id: i64) -> Result<bool, StoreError> {
        let c = self.client().await?;
        let n = c
            .execute(
                "UPDATE projects SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL",
                &[&project_id],
            )
            .await
            .map_err(db_err)?;
        Ok(n > 0)
    }

    async fn create_user(
        &self,
        tenant_id: Option<i64>,
        name: &str,
    ) -> Result<UserRecord, StoreError> {
        let c = self.client().await?;
        if let Some(t) = tenant_id {
            let exists = c
                .query_opt("SELECT 1 FROM tenants WHERE id = $1", &[&t])
                .await
                .map_err(db_err)?
                .is_some();
            if !exists {
                return Err(StoreError::NotFound(format!("tenant {t}")));
            }
        }
        let row = c
            .query_one(
                "INSERT INTO users (tenant_id, name) VALUES ($1, $2) RETURNING id, tenant_id, name",
                &[&tenant_id, &name],
            )
            .await
            .map_err(|e| renamed(db_err(e), format!("user {name:?}")))?;
        Ok(user_row(&row))
    }

    async fn list_users(&self, tenant_id: Option<i64>) -> Result<Vec<UserRecord>, StoreError> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT id, tenant_id, name FROM users WHERE $1::bigint IS NULL OR tenant_id = $1 ORDER BY id",
                &[&tenant_id],
            )
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(user_row).collect())
    }

    async fn find_user(&self, name: &str) -> Result<Option<UserRecord>, StoreError> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                "SELECT id, tenant_id, name FROM users WHERE name = $1",
                &[&name],
            )
            .await
            .map_err(db_err)?;
        Ok(row.as_ref().map(user_row))
    }

    async fn put_member(
        &self,
        project_id: i64,
        user_id: i64,
        role: Role,
    ) -> Result<(), StoreError> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, $3) \
             ON CONFLICT (project_id, user_id) DO UPDATE SET role = EXCLUDED.role",
            &[&project_id, &user_id, &role.as_str()],
        )
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn list_members(&self, project_id: i64) -> Result<Vec<MemberRecord>, StoreError> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT m.project_id, m.user_id, u.name, m.role FROM project_members m \
                 JOIN users u ON u.id = m.user_id WHERE m.project_id = $1 ORDER BY m.user_id",
                &[&project_id],
            )
            .await
            .map_err(db_err)?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some(MemberRecord {
                    project_id: r.get(0),
                    user_id: r.get(1),
                    user_name: r.get(2),
                    role: role_from_db(r.get(3))?,
                })
            })
            .collect())
    }

    async fn remove_member(&self, project_id: i64, user_id: i64) -> Result<bool, StoreError> {
        let c = self.client().await?;
        let n = c
            .execute(
                "DELETE FROM project_members WHERE project_id = $1 AND user_id = $2",
                &[&project_id, &user_id],
            )
            .await
            .map_err(db_err)?;
        Ok(n > 0)
    }

    async fn create_access_key(
        &self,
        user_id: i64,
        id: &str,
        sealed_secret: &str,
    ) -> Result<(), StoreError> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO access_keys (id, user_id, sealed_secret) VALUES ($1, $2, $3)",
            &[&id, &user_id, &sealed_secret],
        )
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn list_access_keys(
        &self,
        user_id: Option<i64>,
    ) -> Result<Vec<AccessKeyRecord>, StoreError> {
        let c = self.client().await?;
        let rows = c
            .query(
                &format!("{KEY_SELECT} WHERE $1::bigint IS NULL OR k.user_id = $1 ORDER BY k.id"),
                &[&user_id],
            )
            .await
            .map_err(db_err)?;
        Ok(rows.iter().map(key_row).collect())
    }

    async fn find_access_key(&self, id: &str) -> Result<Option<AccessKeyRecord>, StoreError> {
        let c = self.client().await?;
        let stmt = c
            .prepare_cached(&format!("{KEY_SELECT} WHERE k.id = $1"))
            .await
            .map_err(db_err)?;
        let row = c.query_opt(&stmt, &[&id]).await.map_err(db_err)?;
        Ok(row.as_ref().map(key_row))
    }

    async fn set_access_key_active(&self, id: &str, active: bool) -> Result<bool, StoreError> {
        let c = self.client().await?;
        // The notification is sent when the change commits, in the same statement: every
        // replica listening drops the key from its cache at once.
        let rows = c
            .query(
                "WITH changed AS (UPDATE access_keys SET active = $2 WHERE id = $1 RETURNING id) \
                 SELECT pg_notify($3, id) FROM changed",
                &[&id, &active, &crate::revocation::CHANNEL],
            )
            .await
            .map_err(db_err)?;
        Ok(!rows.is_empty())
    }

    async fn delete_access_key(&self, id: &str) -> Result<bool, StoreError> {
        let c = self.client().await?;
        let rows = c
            .query(
                "WITH gone AS (DELETE FROM access_keys WHERE id = $1 RETURNING id) \
                 SELECT pg_notify($2, id) FROM gone",
                &[&id, &crate::revocation::CHANNEL],
            )
            .await
            .map_err(db_err)?;
        Ok(!rows.is_empty())
    }

    async fn reset_connections(&self) -> Result<(), StoreError> {
        let c = self.client().await?;
        // TRUNCATE fires no row triggers: the counts are emptied with the rows.
        c.batch_execute(
            "BEGIN; \
             TRUNCATE connection_shares, connections, connection_count_shards RESTART IDENTITY; \
             UPDATE projects SET connection_seq = 0; \
             COMMIT;",
        )
        .await
        .map_err(db_err)
    }

    async fn bootstrap_if_empty(
        &self,
        seed: &BootstrapSeed,
    ) -> Result<Option<BootstrapIds>, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_err)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
            .await
            .map_err(db_err)?;
        if tx
            .query_opt("SELECT 1 FROM tenants LIMIT 1", &[])
            .await
            .map_err(db_err)?
            .is_some()
        {
            return Ok(None);
        }
        let tenant_id: i64 = tx
            .query_one(
                "INSERT INTO tenants (name) VALUES ($1) RETURNING id",
                &[&seed.tenant_name],
            )
            .await
            .map_err(db_err)?
            .get(0);
        let project_id: i64 = tx
            .query_one(
                "INSERT INTO projects (tenant_id, name) VALUES ($1, $2) RETURNING id",
                &[&tenant_id, &seed.project_name],
            )
            .await
            .map_err(db_err)?
            .get(0);
        let user_id: i64 = tx
            .query_one(
                "INSERT INTO users (tenant_id, name) VALUES ($1, $2) RETURNING id",
                &[&tenant_id, &seed.user_name],
            )
            .await
            .map_err(db_err)?
            .get(0);
        tx.execute(
            "INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, 'owner')",
            &[&project_id, &user_id],
        )
        .await
        .map_err(db_err)?;
        tx.execute(
            "INSERT INTO access_keys (id, user_id, sealed_secret) VALUES ($1, $2, $3)",
            &[&seed.access_key_id, &user_id, &seed.sealed_secret],
        )
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(Some(BootstrapIds {
            tenant_id,
            project_id,
            user_id,
        }))
    }
}
