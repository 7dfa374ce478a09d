//! PostgreSQL for the reference: a fixed set of tokio-postgres connections used round-robin.
//! A tokio-postgres client pipelines concurrent queries, so no pool lock or checkout is needed.
//! Its own schema (`schema/postgres.sql`): UpdateConnection is ONE statement that checks the
//! caller's rights, locks and updates the row and, when Status or EnvType changed, moves it
//! between two TotalCount shards (shard = id % 64, the two count rows taken in key order).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::LazyLock;

use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls, Statement};

use super::store::{
    counted_filters, Create, ListQuery, Row, StoreError, StoredKey, Update, ROW_COLS, WRITABLE_JOIN,
};

/// The reference's own schema.
pub const SCHEMA: &str = include_str!("schema/postgres.sql");

/// TotalCount shards per key.
pub const SHARDS: i64 = 64;

/// Recomputes `conn_counts` from the rows (after a bulk load straight through SQL).
pub const RECOUNT_SQL: &str = "DELETE FROM conn_counts; \
     INSERT INTO conn_counts (project_id, env_type, connection_type, sub_type, status, shard, n) \
     SELECT project_id, env_type, connection_type, sub_type, status, (id % 64)::smallint, count(*) \
     FROM connections GROUP BY 1, 2, 3, 4, 5, 6;";

/// The update: `$1` user, `$2` connection, `$3` sealed Content, `$4` EnvType, `$5`
/// Description, `$6` Status, `$7` now, `$8` expected version.
static UPDATE_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH old AS (\
           SELECT c.id, c.env_type, c.status, u.name AS operator FROM connections c {auth} \
           WHERE c.id = $2 AND ($8::bigint IS NULL OR c.version = $8) FOR UPDATE OF c), \
         upd AS (\
           UPDATE connections c SET content = $3, env_type = $4, \
             description = COALESCE($5, c.description), status = COALESCE($6, c.status), \
             operator = old.operator, gmt_modified = $7, version = c.version + 1 \
           FROM old WHERE c.id = old.id \
           RETURNING c.id, c.version, c.project_id, c.connection_type, c.sub_type, \
             c.env_type, c.status, old.env_type AS old_env, old.status AS old_status), \
         moved AS (\
           INSERT INTO conn_counts AS cc \
             (project_id, env_type, connection_type, sub_type, status, shard, n) \
           SELECT upd.project_id, v.env, upd.connection_type, upd.sub_type, v.st, \
             (upd.id % {SHARDS})::smallint, v.d \
           FROM upd, LATERAL (VALUES (upd.old_env, upd.old_status, -1::bigint), \
                                     (upd.env_type, upd.status, 1::bigint)) v(env, st, d) \
           WHERE (upd.old_env, upd.old_status) <> (upd.env_type, upd.status) \
           ORDER BY v.env, v.st \
           ON CONFLICT (project_id, env_type, connection_type, sub_type, status, shard) \
           DO UPDATE SET n = cc.n + EXCLUDED.n) \
         SELECT version FROM upd",
        auth = WRITABLE_JOIN.replace("{U}", "$1")
    )
});

static STORED_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT c.content, c.version FROM connections c {} WHERE c.id = $2",
        WRITABLE_JOIN.replace("{U}", "$1")
    )
});

const MEMBER_SQL: &str = "SELECT EXISTS (SELECT 1 FROM users u \
     JOIN projects p ON p.id = $2 AND p.tenant_id = u.tenant_id AND p.deleted_at IS NULL \
     JOIN project_members m ON m.project_id = p.id AND m.user_id = u.id WHERE u.id = $1)";

static COUNT_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT COALESCE(sum(n), 0)::bigint FROM conn_counts WHERE {}",
        counted_filters(&["$1", "$2::text", "$3::text", "$4::int", "$5::int"])
    )
});

static COUNT_BY_NAME_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT count(*) FROM connections WHERE {} AND strpos(name, $6::text) > 0",
        counted_filters(&["$1", "$2::text", "$3::text", "$4::int", "$5::int"])
    )
});

static PAGE_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {ROW_COLS} FROM connections c WHERE {} \
           AND ($6::text IS NULL OR strpos(c.name, $6::text) > 0) \
         ORDER BY c.sequence DESC LIMIT $7 OFFSET $8",
        counted_filters(&["$1", "$2::text", "$3::text", "$4::int", "$5::int"])
    )
});

struct Conn {
    client: Client,
    update: Statement,
    stored: Statement,
    member: Statement,
    count: Statement,
    count_by_name: Statement,
    page: Statement,
}

/// The connections.
pub struct PgStore {
    conns: Vec<Conn>,
    next: AtomicUsize,
}

fn db_err(e: tokio_postgres::Error) -> StoreError {
    if e.code() == Some(&SqlState::UNIQUE_VIOLATION) {
        return StoreError::Conflict;
    }
    StoreError::Database(e.to_string())
}

impl PgStore {
    /// Opens `size` connections, creating the schema on an empty database.
    pub async fn connect(url: &str, size: usize) -> Result<Self, StoreError> {
        let mut conns = Vec::with_capacity(size);
        for i in 0..size {
            let (client, connection) = tokio_postgres::connect(url, NoTls).await.map_err(db_err)?;
            tokio::spawn(async move {
                let _ = connection.await;
            });
            if i == 0 {
                let exists: bool = client
                    .query_one(
                        "SELECT EXISTS (SELECT 1 FROM information_schema.tables \
                         WHERE table_schema = current_schema() AND table_name = 'connections')",
                        &[],
                    )
                    .await
                    .map_err(db_err)?
                    .get(0);
                if !exists {
                    client.batch_execute(SCHEMA).await.map_err(db_err)?;
                }
            }
            conns.push(Conn {
                update: client.prepare(&UPDATE_SQL).await.map_err(db_err)?,
                stored: client.prepare(&STORED_SQL).await.map_err(db_err)?,
                member: client.prepare(MEMBER_SQL).await.map_err(db_err)?,
                count: client.prepare(&COUNT_SQL).await.map_err(db_err)?,
                count_by_name: client.prepare(&COUNT_BY_NAME_SQL).await.map_err(db_err)?,
                page: client.prepare(&PAGE_SQL).await.map_err(db_err)?,
                client,
            });
        }
        Ok(Self {
            conns,
            next: AtomicUsize::new(0),
        })
    }

    fn conn(&self) -> &Conn {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.conns.len();
        &self.conns[i]
    }

    /// See [`super::store::Store::bootstrap`].
    pub async fn bootstrap(&self, key_id: &str, sealed: &str) -> Result<Option<i64>, StoreError> {
        let c = &self.conns[0].client;
        c.batch_execute("BEGIN; LOCK TABLE tenants IN EXCLUSIVE MODE")
            .await
            .map_err(db_err)?;
        let any: bool = c
            .query_one("SELECT EXISTS (SELECT 1 FROM tenants)", &[])
            .await
            .map_err(db_err)?
            .get(0);
        if any {
            c.batch_execute("ROLLBACK").await.map_err(db_err)?;
            return Ok(None);
        }
        let tenant: i64 = c
            .query_one(
                "INSERT INTO tenants (name) VALUES ('default') RETURNING id",
                &[],
            )
            .await
            .map_err(db_err)?
            .get(0);
        let project: i64 = c
            .query_one(
                "INSERT INTO projects (tenant_id, name) VALUES ($1, 'default') RETURNING id",
                &[&tenant],
            )
            .await
            .map_err(db_err)?
            .get(0);
        let user: i64 = c
            .query_one(
                "INSERT INTO users (tenant_id, name) VALUES ($1, 'admin') RETURNING id",
                &[&tenant],
            )
            .await
            .map_err(db_err)?
            .get(0);
        c.execute(
            "INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, 'owner')",
            &[&project, &user],
        )
        .await
        .map_err(db_err)?;
        c.execute(
            "INSERT INTO access_keys (id, user_id, sealed_secret) VALUES ($1, $2, $3)",
            &[&key_id, &user, &sealed],
        )
        .await
        .map_err(db_err)?;
        c.batch_execute("COMMIT").await.map_err(db_err)?;
        Ok(Some(project))
    }

    /// See [`super::store::Store::find_key`].
    pub async fn find_key(&self, id: &str) -> Result<Option<StoredKey>, StoreError> {
        let row = self
            .conn()
            .client
            .query_opt(
                "SELECT sealed_secret, user_id, active FROM access_keys WHERE id = $1",
                &[&id],
            )
            .await
            .map_err(db_err)?;
        Ok(row.map(|r| StoredKey {
            sealed_secret: r.get(0),
            user_id: r.get(1),
            active: r.get(2),
        }))
    }

    /// See [`super::store::Store::update`].
    pub async fn update(&self, u: Update) -> Result<Option<i64>, StoreError> {
        let c = self.conn();
        let row = c
            .client
            .query_opt(
                &c.update,
                &[
                    &u.user_id,
                    &u.connection_id,
                    &u.content,
                    &u.env_type,
                    &u.description,
                    &u.status,
                    &u.now,
                    &u.expected_version,
                ],
            )
            .await
            .map_err(db_err)?;
        Ok(row.map(|r| r.get(0)))
    }

    /// See [`super::store::Store::stored_content`].
    pub async fn stored_content(
        &self,
        user_id: i64,
        connection_id: i64,
    ) -> Result<Option<(String, i64)>, StoreError> {
        let c = self.conn();
        let row = c
            .client
            .query_opt(&c.stored, &[&user_id, &connection_id])
            .await
            .map_err(db_err)?;
        Ok(row.map(|r| (r.get(0), r.get(1))))
    }

    /// See [`super::store::Store::create`].
    pub async fn create(&self, n: Create) -> Result<Option<i64>, StoreError> {
        let row = self
            .conn()
            .client
            .query_opt(
                "WITH auth AS (SELECT p.tenant_id, u.name FROM users u \
                   JOIN projects p ON p.id = $2 AND p.tenant_id = u.tenant_id AND p.deleted_at IS NULL \
                   JOIN project_members m ON m.project_id = p.id AND m.user_id = u.id \
                     AND m.role IN ('owner', 'admin') WHERE u.id = $1), \
                 seq AS (UPDATE projects SET connection_seq = connection_seq + 1 \
                   WHERE id = $2 AND EXISTS (SELECT 1 FROM auth) RETURNING connection_seq), \
                 ins AS (INSERT INTO connections (tenant_id, project_id, name, connection_type, \
                   sub_type, description, env_type, status, content, sequence, operator, \
                   gmt_create, gmt_modified) \
                 SELECT auth.tenant_id, $2, $3, $4, COALESCE($5, ''), $6, $7, 1, $8, \
                   seq.connection_seq, auth.name, $9, $9 \
                 FROM auth, seq RETURNING id, project_id, env_type, connection_type, sub_type, status), \
                 counted AS (INSERT INTO conn_counts AS cc \
                   (project_id, env_type, connection_type, sub_type, status, shard, n) \
                 SELECT project_id, env_type, connection_type, sub_type, status, \
                   (id % 64)::smallint, 1 FROM ins \
                 ON CONFLICT (project_id, env_type, connection_type, sub_type, status, shard) \
                 DO UPDATE SET n = cc.n + 1) \
                 SELECT id FROM ins",
                &[
                    &n.user_id,
                    &n.project_id,
                    &n.name,
                    &n.connection_type,
                    &n.sub_type,
                    &n.description,
                    &n.env_type,
                    &n.content,
                    &n.now,
                ],
            )
            .await
            .map_err(db_err)?;
        Ok(row.map(|r| r.get(0)))
    }

    /// See [`super::store::Store::list`]: the membership, the total and the page go out
    /// pipelined on one connection.
    pub async fn list(
        &self,
        user_id: i64,
        q: ListQuery,
    ) -> Result<Option<(i64, Vec<Row>)>, StoreError> {
        let c = self.conn();
        let member_params: [&(dyn ToSql + Sync); 2] = [&user_id, &q.project_id];
        let page_params: [&(dyn ToSql + Sync); 8] = [
            &q.project_id,
            &q.connection_type,
            &q.sub_type,
            &q.status,
            &q.env_type,
            &q.name,
            &q.limit,
            &q.offset,
        ];
        let count = async {
            if q.name.is_some() {
                c.client
                    .query_one(&c.count_by_name, &page_params[..6])
                    .await
            } else {
                c.client.query_one(&c.count, &page_params[..5]).await
            }
        };
        let (member, total, rows) = tokio::try_join!(
            c.client.query_one(&c.member, &member_params),
            count,
            c.client.query(&c.page, &page_params),
        )
        .map_err(db_err)?;
        if !member.get::<_, bool>(0) {
            return Ok(None);
        }
        let rows = rows
            .iter()
            .map(|r| Row {
                id: r.get(0),
                tenant_id: r.get(1),
                project_id: r.get(2),
                name: r.get(3),
                connection_type: r.get(4),
                sub_type: Some(r.get::<_, String>(5)).filter(|s| !s.is_empty()),
                description: r.get(6),
                env_type: r.get(7),
                status: r.get(8),
                content: r.get(9),
                connect_status: r.get(10),
                shared: r.get(11),
                sequence: r.get(12),
                binding_calc_engine_id: r.get(13),
                default_engine: r.get(14),
                operator: r.get(15),
                gmt_create: r.get(16),
                gmt_modified: r.get(17),
            })
            .collect();
        Ok(Some((total.get(0), rows)))
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
