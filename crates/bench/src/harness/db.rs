//! Fresh databases per run: a new SQLite file, or a new PostgreSQL database (dropped after), and
//! bulk seeding of connection rows straight through SQL for the scale scenario.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use tokio_postgres::NoTls;

/// Which storage a run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Backend {
    /// SQLite file, WAL, synchronous=FULL.
    Sqlite,
    /// PostgreSQL at the configured URL.
    Postgres,
}

impl Backend {
    /// Name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        }
    }
}

/// A database made for one run.
#[derive(Debug)]
pub enum FreshDb {
    /// A file in a directory of its own.
    Sqlite {
        /// The directory (removed afterwards).
        dir: PathBuf,
        /// The database file.
        file: PathBuf,
    },
    /// A database on the server.
    Postgres {
        /// URL of the maintenance database (to drop it).
        admin_url: String,
        /// Its name.
        name: String,
        /// Its URL.
        url: String,
    },
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// `postgres://u@h:p/db?x` with the database name replaced.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{name}", &base[..authority_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl FreshDb {
    /// Creates one.
    pub async fn create(backend: Backend, scratch: &Path, admin_url: &str) -> Result<Self, String> {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tag = format!("bench_{}_{n}", std::process::id());
        match backend {
            Backend::Sqlite => {
                let dir = scratch.join(&tag);
                let _ = std::fs::remove_dir_all(&dir);
                std::fs::create_dir_all(&dir)
                    .map_err(|e| format!("creating {}: {e}", dir.display()))?;
                let file = dir.join("dataworks.db");
                Ok(Self::Sqlite { dir, file })
            }
            Backend::Postgres => {
                let client = admin(admin_url).await?;
                client
                    .batch_execute(&format!("CREATE DATABASE {tag}"))
                    .await
                    .map_err(|e| format!("CREATE DATABASE {tag}: {e}"))?;
                Ok(Self::Postgres {
                    admin_url: admin_url.to_owned(),
                    url: with_database(admin_url, &tag),
                    name: tag,
                })
            }
        }
    }

    /// The URL a server is given.
    pub fn url(&self) -> String {
        match self {
            Self::Sqlite { file, .. } => format!("sqlite://{}", file.display()),
            Self::Postgres { url, .. } => url.clone(),
        }
    }

    /// CPU time (ticks) used so far by the PostgreSQL backends connected to this database
    /// (processes titled `postgres: USER DB ...` on this machine); `None` for SQLite. Summed
    /// before and after a run, it gives the database CPU per request.
    pub fn backend_cpu_ticks(&self) -> Option<u64> {
        let Self::Postgres { name, .. } = self else {
            return None;
        };
        let needle = format!(" {name} ");
        let mut total = 0;
        for entry in std::fs::read_dir("/proc").ok()?.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|p| p.parse::<u32>().ok())
            else {
                continue;
            };
            let Ok(cmd) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
                continue;
            };
            let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
            if cmd.starts_with("postgres: ") && cmd.contains(&needle) {
                total += crate::server::cpu_ticks(pid).unwrap_or(0);
            }
        }
        Some(total)
    }

    /// Removes it.
    pub async fn drop_db(self) {
        match self {
            Self::Sqlite { dir, .. } => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Self::Postgres {
                admin_url, name, ..
            } => {
                if let Ok(client) = admin(&admin_url).await {
                    let _ = client
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                }
            }
        }
    }

    /// Copies connection `template_id` until the project holds `total` connections, in one
    /// statement, then refreshes the planner statistics (as an operator would after a bulk
    /// load).
    pub async fn seed_copies(&self, template_id: i64, total: i64) -> Result<(), String> {
        match self {
            Self::Sqlite { file, .. } => {
                let file = file.clone();
                tokio::task::spawn_blocking(move || seed_sqlite(&file, template_id, total))
                    .await
                    .map_err(|e| e.to_string())?
            }
            Self::Postgres { url, .. } => seed_postgres(url, template_id, total).await,
        }
    }

    /// The realistic workloads' data: `projects` projects (the template's and `projects - 1`
    /// new ones, the template's members copied) of `per_project` connections each, copies of
    /// connection `template_id` straight through SQL; then the counts of a schema that keeps
    /// them without triggers (the reference's) are recomputed and the statistics refreshed.
    /// Returns every (project id, connection id).
    pub async fn seed_projects(
        &self,
        template_id: i64,
        projects: i64,
        per_project: i64,
    ) -> Result<Vec<(i64, i64)>, String> {
        self.seed_copies(template_id, per_project).await?;
        match self {
            Self::Sqlite { file, .. } => {
                let file = file.clone();
                tokio::task::spawn_blocking(move || {
                    seed_sqlite_projects(&file, template_id, projects, per_project)
                })
                .await
                .map_err(|e| e.to_string())?
            }
            Self::Postgres { url, .. } => {
                seed_postgres_projects(url, template_id, projects, per_project).await
            }
        }
    }
}

/// Copies the template into `projects - 1` new projects of its tenant, its members with it,
/// and fills each with `per_project` copies: the statements of both backends, in order (the
/// values are integers, written into the text).
fn project_copies_sql(template_id: i64, projects: i64, per_project: i64) -> [String; 4] {
    let series = |n: i64| {
        format!("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) ")
    };
    let t = COPY_COLS
        .split(", ")
        .map(|c| {
            if c == "project_id" {
                "p.id".to_owned()
            } else {
                format!("t.{c}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    [
        format!(
            "{}INSERT INTO projects (tenant_id, name, created_at) \
             SELECT p0.tenant_id, 'bench-project-' || s.i, p0.created_at FROM s, \
               connections t JOIN projects p0 ON p0.id = t.project_id WHERE t.id = {template_id}",
            series(projects - 1)
        ),
        format!(
            "INSERT INTO project_members (project_id, user_id, role) \
             SELECT p.id, m.user_id, m.role FROM projects p, connections t \
               JOIN project_members m ON m.project_id = t.project_id \
             WHERE t.id = {template_id} AND p.name LIKE 'bench-project-%'"
        ),
        format!(
            "{}INSERT INTO connections (name, sequence, {COPY_COLS}) \
             SELECT 'seed-' || s.i, s.i, {t} FROM s, projects p, connections t \
             WHERE t.id = {template_id} AND p.name LIKE 'bench-project-%'",
            series(per_project)
        ),
        format!(
            "UPDATE projects SET connection_seq = {per_project} WHERE name LIKE 'bench-project-%'"
        ),
    ]
}

/// A schema that keeps its counts without triggers (the reference's `conn_counts`) has them
/// recomputed after a bulk load.
fn recount_sqlite(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    let own_counts = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'conn_counts')",
        [],
        |r| r.get::<_, bool>(0),
    )?;
    if own_counts {
        conn.execute_batch(crate::reference::sqlite::RECOUNT_SQL)?;
    }
    Ok(())
}

async fn recount_postgres(client: &tokio_postgres::Client) -> Result<(), tokio_postgres::Error> {
    let own_counts: bool = client
        .query_one("SELECT to_regclass('conn_counts') IS NOT NULL", &[])
        .await?
        .get(0);
    if own_counts {
        client
            .batch_execute(&format!(
                "BEGIN; {} COMMIT;",
                crate::reference::pg::RECOUNT_SQL
            ))
            .await?;
    }
    Ok(())
}

fn seed_sqlite_projects(
    file: &Path,
    template_id: i64,
    projects: i64,
    per_project: i64,
) -> Result<Vec<(i64, i64)>, String> {
    let err = |e: rusqlite::Error| format!("seeding {}: {e}", file.display());
    let mut conn = rusqlite::Connection::open(file).map_err(err)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(err)?;
    let tx = conn.transaction().map_err(err)?;
    if projects > 1 {
        for sql in project_copies_sql(template_id, projects, per_project) {
            tx.execute_batch(&sql).map_err(err)?;
        }
    }
    recount_sqlite(&tx).map_err(err)?;
    tx.commit().map_err(err)?;
    conn.execute_batch("ANALYZE").map_err(err)?;
    let mut stmt = conn
        .prepare("SELECT project_id, id FROM connections ORDER BY id")
        .map_err(err)?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(err)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(err)?;
    Ok(rows)
}

async fn seed_postgres_projects(
    url: &str,
    template_id: i64,
    projects: i64,
    per_project: i64,
) -> Result<Vec<(i64, i64)>, String> {
    let client = admin(url).await?;
    let err = |e: tokio_postgres::Error| format!("seeding PostgreSQL: {e}");
    if projects > 1 {
        let mut batch = "BEGIN;".to_owned();
        for sql in project_copies_sql(template_id, projects, per_project) {
            batch.push_str(&sql);
            batch.push(';');
        }
        batch.push_str("COMMIT;");
        client.batch_execute(&batch).await.map_err(err)?;
    }
    recount_postgres(&client).await.map_err(err)?;
    client.batch_execute("VACUUM ANALYZE").await.map_err(err)?;
    let rows = client
        .query("SELECT project_id, id FROM connections ORDER BY id", &[])
        .await
        .map_err(err)?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}
async fn admin(url: &str) -> Result<tokio_postgres::Client, String> {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .map_err(|e| format!("connecting to PostgreSQL: {e}"))?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(client)
}

/// Columns copied from the template row.
const COPY_COLS: &str = "tenant_id, project_id, connection_type, sub_type, description, env_type, \
     status, content, connect_status, shared, binding_calc_engine_id, default_engine, operator, \
     gmt_create, gmt_modified, version";

fn seed_sqlite(file: &Path, template_id: i64, total: i64) -> Result<(), String> {
    let err = |e: rusqlite::Error| format!("seeding {}: {e}", file.display());
    let mut conn = rusqlite::Connection::open(file).map_err(err)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(err)?;
    let tx = conn.transaction().map_err(err)?;
    let have: i64 = tx
        .query_row(
            "SELECT count(*) FROM connections WHERE project_id = \
             (SELECT project_id FROM connections WHERE id = ?1)",
            [template_id],
            |r| r.get(0),
        )
        .map_err(err)?;
    let add = total - have;
    if add > 0 {
        tx.execute(
            &format!(
                "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?2) \
                 INSERT INTO connections (name, sequence, {COPY_COLS}) \
                 SELECT 'seed-' || s.i, p.connection_seq + s.i, {t} \
                 FROM s, connections t JOIN projects p ON p.id = t.project_id WHERE t.id = ?1",
                t = COPY_COLS
                    .split(", ")
                    .map(|c| format!("t.{c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            [template_id, add],
        )
        .map_err(err)?;
        tx.execute(
            "UPDATE projects SET connection_seq = connection_seq + ?2 \
             WHERE id = (SELECT project_id FROM connections WHERE id = ?1)",
            [template_id, add],
        )
        .map_err(err)?;
    }
    recount_sqlite(&tx).map_err(err)?;
    tx.commit().map_err(err)?;
    conn.execute_batch("ANALYZE").map_err(err)?;
    Ok(())
}

async fn seed_postgres(url: &str, template_id: i64, total: i64) -> Result<(), String> {
    let client = admin(url).await?;
    let err = |e: tokio_postgres::Error| format!("seeding PostgreSQL: {e}");
    let have: i64 = client
        .query_one(
            "SELECT count(*) FROM connections WHERE project_id = \
             (SELECT project_id FROM connections WHERE id = $1)",
            &[&template_id],
        )
        .await
        .map_err(err)?
        .get(0);
    let add = total - have;
    if add > 0 {
        let t = COPY_COLS
            .split(", ")
            .map(|c| format!("t.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        client
            .execute(
                &format!(
                    "INSERT INTO connections (name, sequence, {COPY_COLS}) \
                     SELECT 'seed-' || s.i, p.connection_seq + s.i, {t} \
                     FROM generate_series(1::bigint, $2::bigint) AS s(i), connections t \
                     JOIN projects p ON p.id = t.project_id WHERE t.id = $1"
                ),
                &[&template_id, &add],
            )
            .await
            .map_err(err)?;
        client
            .execute(
                "UPDATE projects SET connection_seq = connection_seq + $2 \
                 WHERE id = (SELECT project_id FROM connections WHERE id = $1)",
                &[&template_id, &add],
            )
            .await
            .map_err(err)?;
    }
    recount_postgres(&client).await.map_err(err)?;
    client
        .batch_execute("VACUUM ANALYZE connections")
        .await
        .map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_database_name() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "b1"),
            "postgres://postgres@127.0.0.1:5432/b1"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "b2"),
            "postgres://u:p@h/b2?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h:1", "b3"), "postgres://h:1/b3");
    }
}
