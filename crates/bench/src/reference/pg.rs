//! PostgreSQL for the reference: a fixed set of tokio-postgres connections used round-robin.
//! A tokio-postgres client pipelines concurrent queries, so no pool lock or checkout is needed.

use std::sync::atomic::{AtomicUsize, Ordering};

use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls, Statement};

use super::store::{Create, Row, StoreError, StoredKey, Update, ROW_COLS, UPDATE_AUTH};

/// The service's schema: every migration, so that both servers write through the same tables,
/// indexes and triggers.
const SCHEMA: &str = concat!(
    include_str!("../../../connection-service/migrations/postgres/0001_init.sql"),
    "\n",
    include_str!("../../../connection-service/migrations/postgres/0002_connection_counts.sql"),
    "\n",
    include_str!("../../../connection-service/migrations/postgres/0003_data_source_shares.sql"),
);

struct Conn {
    client: Client,
    update: Statement,
    member: Statement,
    count: Statement,
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

const MEMBER_SQL: &str = "SELECT EXISTS (SELECT 1 FROM users u \
     JOIN projects p ON p.id = $2 AND p.tenant_id = u.tenant_id AND p.deleted_at IS NULL \
     JOIN project_members m ON m.project_id = p.id AND m.user_id = u.id WHERE u.id = $1)";

impl PgStore {
    /// Opens `size` connections, creating the schema on an empty database.
    pub async fn connect(url: &str, size: usize) -> Result<Self, StoreError> {
        let update_sql = format!(
            "UPDATE connections SET content = $3, env_type = $4, \
               description = COALESCE($5, description), status = COALESCE($6, status), \
               operator = (SELECT name FROM users WHERE id = $1), gmt_modified = $7, \
               version = version + 1 \
             WHERE id = $2 AND {} RETURNING version",
            UPDATE_AUTH.replace("{U}", "$1")
        );
        let page_sql = format!(
            "SELECT {ROW_COLS} FROM connections c WHERE c.project_id = $1 \
             ORDER BY c.sequence DESC LIMIT $2 OFFSET $3"
        );
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
                update: client.prepare(&update_sql).await.map_err(db_err)?,
                member: client.prepare(MEMBER_SQL).await.map_err(db_err)?,
                count: client
                    .prepare("SELECT COALESCE(sum(n), 0)::bigint FROM connection_counts WHERE project_id = $1")
                    .await
                    .map_err(db_err)?,
                page: client.prepare(&page_sql).await.map_err(db_err)?,
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
                ],
            )
            .await
            .map_err(db_err)?;
        Ok(row.map(|r| r.get(0)))
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
                   WHERE id = $2 AND EXISTS (SELECT 1 FROM auth) RETURNING connection_seq) \
                 INSERT INTO connections (tenant_id, project_id, name, connection_type, sub_type, \
                   description, env_type, status, content, sequence, operator, gmt_create, gmt_modified) \
                 SELECT auth.tenant_id, $2, $3, $4, $5, $6, $7, 1, $8, seq.connection_seq, auth.name, $9, $9 \
                 FROM auth, seq RETURNING id",
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

    /// See [`super::store::Store::list`]: the three queries go out pipelined on one connection.
    pub async fn list(
        &self,
        user_id: i64,
        project_id: i64,
        limit: i64,
        offset: i64,
    ) -> Result<Option<(i64, Vec<Row>)>, StoreError> {
        let c = self.conn();
        let member_params: [&(dyn ToSql + Sync); 2] = [&user_id, &project_id];
        let count_params: [&(dyn ToSql + Sync); 1] = [&project_id];
        let page_params: [&(dyn ToSql + Sync); 3] = [&project_id, &limit, &offset];
        let (member, total, rows) = tokio::try_join!(
            c.client.query_one(&c.member, &member_params),
            c.client.query_one(&c.count, &count_params),
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
                sub_type: r.get(5),
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
    /// A migration added to the service must reach the reference too, or the two would write
    /// through different schemas.
    #[test]
    fn the_schema_holds_every_service_migration() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../connection-service/migrations/postgres"
        );
        let mut files = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "sql") {
                let sql = std::fs::read_to_string(&path).unwrap();
                assert!(
                    super::SCHEMA.contains(&sql),
                    "{} is missing",
                    path.display()
                );
                files += 1;
            }
        }
        assert!(files >= 3, "found the migrations");
    }
}
