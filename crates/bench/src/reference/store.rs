//! The reference's storage, on its own schema (`schema/*.sql`, not the service's migrations):
//! SQLite (one writer thread with grouped commits, a few reader threads) or PostgreSQL (32
//! pipelined tokio-postgres connections). UpdateConnection is one statement on PostgreSQL
//! (authorization, the row lock, the write and the TotalCount shards together) and one job of
//! the writer thread on SQLite.

use time::OffsetDateTime;

use super::pg::PgStore;
use super::sqlite::SqliteStore;

/// Why storage failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed.
    #[error("database: {0}")]
    Database(String),
    /// A unique name is taken.
    #[error("name taken")]
    Conflict,
    /// A worker thread stopped.
    #[error("database worker stopped")]
    Gone,
}

/// One connection row, as ListConnections shows it (Content still sealed).
#[derive(Debug, Clone)]
pub struct Row {
    /// Id.
    pub id: i64,
    /// Tenant.
    pub tenant_id: i64,
    /// Project.
    pub project_id: i64,
    /// Name.
    pub name: String,
    /// Type.
    pub connection_type: String,
    /// Sub-type.
    pub sub_type: Option<String>,
    /// Description.
    pub description: String,
    /// Env type.
    pub env_type: i32,
    /// Status.
    pub status: i32,
    /// Content, secrets sealed.
    pub content: String,
    /// Last network test result.
    pub connect_status: i32,
    /// Shared.
    pub shared: bool,
    /// Sequence.
    pub sequence: i64,
    /// BindingCalcEngineId.
    pub binding_calc_engine_id: i64,
    /// DefaultEngine.
    pub default_engine: bool,
    /// Last changer.
    pub operator: String,
    /// Created.
    pub gmt_create: OffsetDateTime,
    /// Modified.
    pub gmt_modified: OffsetDateTime,
}

/// An UpdateConnection, already parsed and sealed.
#[derive(Debug, Clone)]
pub struct Update {
    /// Caller.
    pub user_id: i64,
    /// Connection.
    pub connection_id: i64,
    /// Content, secrets sealed.
    pub content: String,
    /// Env type.
    pub env_type: i32,
    /// New description, if given.
    pub description: Option<String>,
    /// New status, if given.
    pub status: Option<i32>,
    /// Now.
    pub now: OffsetDateTime,
    /// Write only if the row is still at this version (the masked-secret merge read it).
    pub expected_version: Option<i64>,
}

/// ListConnections' filters and page.
#[derive(Debug, Clone)]
pub struct ListQuery {
    /// Project.
    pub project_id: i64,
    /// Substring of the name.
    pub name: Option<String>,
    /// Exact type.
    pub connection_type: Option<String>,
    /// Exact sub-type.
    pub sub_type: Option<String>,
    /// Exact status (1 enabled, 2 disabled).
    pub status: Option<i32>,
    /// Exact env type.
    pub env_type: Option<i32>,
    /// Page size.
    pub limit: i64,
    /// Rows skipped.
    pub offset: i64,
}

/// A CreateConnection, already parsed and sealed.
#[derive(Debug, Clone)]
pub struct Create {
    /// Caller.
    pub user_id: i64,
    /// Project.
    pub project_id: i64,
    /// Name.
    pub name: String,
    /// Type.
    pub connection_type: String,
    /// Sub-type.
    pub sub_type: Option<String>,
    /// Description.
    pub description: String,
    /// Env type.
    pub env_type: i32,
    /// Content, sealed.
    pub content: String,
    /// Now.
    pub now: OffsetDateTime,
}

/// A stored AccessKey.
#[derive(Debug, Clone)]
pub struct StoredKey {
    /// Sealed secret.
    pub sealed_secret: String,
    /// Owner.
    pub user_id: i64,
    /// Enabled.
    pub active: bool,
}

/// Either backend.
pub enum Store {
    /// Embedded.
    Sqlite(SqliteStore),
    /// Server.
    Postgres(PgStore),
}

impl Store {
    /// Opens `sqlite://PATH` or `postgres://...`, creating the schema on an empty database.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            Ok(Self::Sqlite(SqliteStore::open(path.as_ref())?))
        } else {
            Ok(Self::Postgres(PgStore::connect(url, 32).await?))
        }
    }

    /// On an empty database: tenant, project, owner, AccessKey; returns the project id.
    pub async fn bootstrap(&self, key_id: &str, sealed: &str) -> Result<Option<i64>, StoreError> {
        match self {
            Self::Sqlite(s) => s.bootstrap(key_id, sealed).await,
            Self::Postgres(s) => s.bootstrap(key_id, sealed).await,
        }
    }

    /// An AccessKey by id.
    pub async fn find_key(&self, id: &str) -> Result<Option<StoredKey>, StoreError> {
        match self {
            Self::Sqlite(s) => s.find_key(id).await,
            Self::Postgres(s) => s.find_key(id).await,
        }
    }

    /// The one UPDATE; `Some(new version)` when the caller may change the connection.
    pub async fn update(&self, u: Update) -> Result<Option<i64>, StoreError> {
        match self {
            Self::Sqlite(s) => s.update(u).await,
            Self::Postgres(s) => s.update(u).await,
        }
    }

    /// Inserts; `Some(id)` when the caller may create in the project.
    pub async fn create(&self, c: Create) -> Result<Option<i64>, StoreError> {
        match self {
            Self::Sqlite(s) => s.create(c).await,
            Self::Postgres(s) => s.create(c).await,
        }
    }

    /// The stored (sealed) Content and version of a connection the caller may change (the
    /// masked-secret merge's read); `None` when it does not exist or the caller may not.
    pub async fn stored_content(
        &self,
        user_id: i64,
        connection_id: i64,
    ) -> Result<Option<(String, i64)>, StoreError> {
        match self {
            Self::Sqlite(s) => s.stored_content(user_id, connection_id).await,
            Self::Postgres(s) => s.stored_content(user_id, connection_id).await,
        }
    }

    /// A page of the project, newest first, with the exact total under the filters; `None`
    /// when the caller is no member.
    pub async fn list(
        &self,
        user_id: i64,
        q: ListQuery,
    ) -> Result<Option<(i64, Vec<Row>)>, StoreError> {
        match self {
            Self::Sqlite(s) => s.list(user_id, q).await,
            Self::Postgres(s) => s.list(user_id, q).await,
        }
    }
}

/// The rows a caller may change: owner or admin of the live project in the caller's tenant
/// (`c` the connection; `{U}` the user id parameter).
pub const WRITABLE_JOIN: &str = "JOIN users u ON u.id = {U} AND u.tenant_id = c.tenant_id \
     JOIN projects p ON p.id = c.project_id AND p.deleted_at IS NULL \
     JOIN project_members m ON m.project_id = c.project_id AND m.user_id = u.id \
       AND m.role IN ('owner', 'admin')";

/// The filters of ListConnections that the counts have columns for, over `connections` or
/// `conn_counts` (`{P}` numbering: project, type, sub-type, status, env).
pub fn counted_filters(p: &[&str; 5]) -> String {
    format!(
        "project_id = {} AND ({t} IS NULL OR connection_type = {t}) \
         AND ({s} IS NULL OR sub_type = {s}) AND ({st} IS NULL OR status = {st}) \
         AND ({e} IS NULL OR env_type = {e})",
        p[0],
        t = p[1],
        s = p[2],
        st = p[3],
        e = p[4]
    )
}

/// The columns of [`Row`], in order, from alias `c`.
pub const ROW_COLS: &str = "c.id, c.tenant_id, c.project_id, c.name, c.connection_type, \
     c.sub_type, c.description, c.env_type, c.status, c.content, c.connect_status, c.shared, \
     c.sequence, c.binding_calc_engine_id, c.default_engine, c.operator, c.gmt_create, \
     c.gmt_modified";
