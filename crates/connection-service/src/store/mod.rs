//! Storage behind one trait, with an embedded SQLite and a PostgreSQL implementation.
//!
//! The trait is shaped by the hot paths: each changing operation is one statement that carries
//! its own authorization in its `WHERE` clause (and, for updates, an optional expected row
//! version), so the common case is a single round trip. When such a statement touches no row,
//! the service asks the matching `*_access` query which check failed, in the documented order.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::domain::model::Role;

pub mod postgres;
pub mod sqlite;

mod migrations;

/// Why storage failed. Never carries secret values: the service passes only sealed secrets to
/// storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique name is taken (connection name per project and env type, tenant/project/user name).
    #[error("{0} already exists")]
    Conflict(String),
    /// A row the operation refers to does not exist (admin operations).
    #[error("{0} does not exist")]
    NotFound(String),
    /// The database URL is not one this service understands.
    #[error("unsupported database URL (expected sqlite://PATH or postgres://...)")]
    UnsupportedUrl,
    /// The database could not be opened, migrated or queried.
    #[error("database error: {0}")]
    Database(String),
    /// The SQLite worker threads are gone (the store was shut down).
    #[error("the database worker stopped")]
    WorkerGone,
}

/// Which implementation a store is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// A stored connection. `content` is as stored: secrets sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionRecord {
    /// Id (global, so ids of other tenants exist and must stay invisible).
    pub id: i64,
    /// Owning tenant (denormalized so that lookups are scoped without a join).
    pub tenant_id: i64,
    /// Owning project.
    pub project_id: i64,
    /// Name.
    pub name: String,
    /// Type.
    pub connection_type: String,
    /// Sub-type (rds only).
    pub sub_type: Option<String>,
    /// Description.
    pub description: String,
    /// 0 development, 1 production.
    pub env_type: i32,
    /// 1 normal, 2 disabled.
    pub status: i32,
    /// Content with secrets sealed.
    pub content: String,
    /// 0 untested, 1 reachable at last test, 2 unreachable at last test.
    pub connect_status: i32,
    /// Shared.
    pub shared: bool,
    /// Increasing per project.
    pub sequence: i64,
    /// BindingCalcEngineId.
    pub binding_calc_engine_id: i64,
    /// DefaultEngine.
    pub default_engine: bool,
    /// Name of the user that last changed it.
    pub operator: String,
    /// Created.
    pub gmt_create: OffsetDateTime,
    /// Last changed.
    pub gmt_modified: OffsetDateTime,
    /// Row version: 1 at creation, +1 per update.
    pub version: i64,
}

/// Facts for authorizing an operation on a project (one query).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProjectAccess {
    /// The user exists and belongs to a tenant.
    pub in_tenant: bool,
    /// The project exists (not deleted) in the user's tenant.
    pub project_exists: bool,
    /// The user's role in it, if a member.
    pub role: Option<Role>,
}

/// Facts for authorizing an operation on a connection (one query).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnectionAccess {
    /// The user exists and belongs to a tenant.
    pub in_tenant: bool,
    /// The connection, if it exists in the user's tenant.
    pub connection: Option<ConnectionRecord>,
    /// Its project exists (not deleted).
    pub project_exists: bool,
    /// The user's role in that project, if a member.
    pub role: Option<Role>,
    /// The best permission a share of the connection gives the user (SetDataSourceShare): a
    /// share with a live project of the tenant the user is a member of, made with that whole
    /// project or with the user in it. `None` when no share reaches the user.
    pub share: Option<SharePermission>,
}

/// A connection to insert, authorized inside the statement: it is inserted only if `user_id` is
/// an owner or admin of `project_id` in the user's tenant.
#[derive(Debug, Clone)]
pub struct NewConnection {
    /// The caller.
    pub user_id: i64,
    /// The project.
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
    /// Content, secrets sealed.
    pub content: String,
    /// Creation time.
    pub now: OffsetDateTime,
}

/// An update, authorized inside the statement (owner/admin of the connection's live project in
/// the user's tenant, or a member of a live project the connection is shared with `WRITE`, with
/// the whole project or with the user), applied only when the stored type is in `allowed_types` and, when given,
/// the stored version equals `expected_version`.
#[derive(Debug, Clone)]
pub struct ConnectionChange {
    /// The caller.
    pub user_id: i64,
    /// The connection.
    pub connection_id: i64,
    /// New Content, secrets sealed.
    pub content: String,
    /// New env type.
    pub env_type: i32,
    /// New description, `None` to keep.
    pub description: Option<String>,
    /// New status, `None` to keep.
    pub status: Option<i32>,
    /// The types whose rules the new Content satisfies.
    pub allowed_types: Vec<String>,
    /// Optimistic concurrency: apply only on this version.
    pub expected_version: Option<i64>,
    /// Modification time.
    pub now: OffsetDateTime,
}

/// ListConnections' filters and page, for a project already authorized.
#[derive(Debug, Clone, Default)]
pub struct ConnectionFilter {
    /// Project.
    pub project_id: i64,
    /// Case-sensitive substring of the name.
    pub name_contains: Option<String>,
    /// Exact type.
    pub connection_type: Option<String>,
    /// Exact sub-type.
    pub sub_type: Option<String>,
    /// Status code.
    pub status: Option<i32>,
    /// Env type.
    pub env_type: Option<i32>,
    /// Rows to return.
    pub limit: i64,
    /// Rows to skip.
    pub offset: i64,
    /// Whether the data sources shared with the project (with all its members or with the
    /// caller) follow the project's own ones: ListConnections and ListDataSources list them,
    /// ExportDataSources does not (an export is the project's own data sources).
    pub include_shared: bool,
}

/// Shared data sources (with `shared_name` as their name) appended after the project's own page.
///
/// The own rows come first (Sequence descending, as always), then the shared ones (by id
/// descending). `own_total` and `own_page` are the project's own count and the own rows of the
/// requested page; `shared` are every shared row matching the filters, in order, one per data
/// source. Returns the TotalCount of both and the page's rows.
pub(crate) fn with_shared(
    own_total: i64,
    mut own_page: Vec<ConnectionRecord>,
    shared: Vec<ConnectionRecord>,
    limit: i64,
    offset: i64,
) -> (i64, Vec<ConnectionRecord>) {
    let total = own_total + i64::try_from(shared.len()).unwrap_or(i64::MAX);
    let room = usize::try_from(limit)
        .unwrap_or(0)
        .saturating_sub(own_page.len());
    if room > 0 {
        let skip = usize::try_from((offset - own_total).max(0)).unwrap_or(usize::MAX);
        own_page.extend(shared.into_iter().skip(skip).take(room));
    }
    (total, own_page)
}

/// One row of the shared-data-source query: the data source as stored, shown in the receiving
/// project under its shared name. Rows come ordered by id (several shares of one data source
/// reaching the caller, e.g. with the project and with the user, are adjacent; the first one's
/// name is kept).
pub(crate) fn dedup_shared(rows: Vec<(String, ConnectionRecord)>) -> Vec<ConnectionRecord> {
    let mut out: Vec<ConnectionRecord> = Vec::with_capacity(rows.len());
    for (shared_name, mut record) in rows {
        if out.last().is_some_and(|last| last.id == record.id) {
            continue;
        }
        record.name = shared_name;
        record.shared = true;
        out.push(record);
    }
    out
}

/// What a share lets its receivers do with a data source (SetDataSourceShare's `permission`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SharePermission {
    /// Read and use the data source.
    Read,
    /// Also modify it.
    Write,
}

impl SharePermission {
    /// The wire and stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "READ",
            Self::Write => "WRITE",
        }
    }

    /// From the wire (any case) or stored form.
    pub fn parse(value: &str) -> Option<Self> {
        if value.trim().eq_ignore_ascii_case("READ") {
            Some(Self::Read)
        } else if value.trim().eq_ignore_ascii_case("WRITE") {
            Some(Self::Write)
        } else {
            None
        }
    }
}

/// One share of a data source with a project (`user_id` 0) or with one user in a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareRecord {
    /// The shared data source.
    pub connection_id: i64,
    /// Its tenant; every receiver is in it.
    pub tenant_id: i64,
    /// The receiving project.
    pub project_id: i64,
    /// The receiving user, 0 for every member of the project.
    pub user_id: i64,
    /// READ or WRITE.
    pub permission: SharePermission,
    /// The name the data source is shown under in the receiving project.
    pub shared_name: String,
}

/// A tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantRecord {
    /// Id.
    pub id: i64,
    /// Unique name.
    pub name: String,
}

/// A project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectRecord {
    /// Id (the wire's ProjectId).
    pub id: i64,
    /// Tenant.
    pub tenant_id: i64,
    /// Name, unique in the tenant.
    pub name: String,
    /// Soft-deleted projects keep their connections but answer ProjectNotExists.
    pub deleted: bool,
}

/// A user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// Id (the AccessKey's principal).
    pub id: i64,
    /// Tenant, `None` for a user outside every tenant.
    pub tenant_id: Option<i64>,
    /// Unique name, shown as a connection's Operator.
    pub name: String,
}

/// A project membership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    /// Project.
    pub project_id: i64,
    /// User.
    pub user_id: i64,
    /// User's name.
    pub user_name: String,
    /// Role.
    pub role: Role,
}

/// An AccessKey as stored: the secret sealed.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessKeyRecord {
    /// `LTAI...` id.
    pub id: String,
    /// Owner.
    pub user_id: i64,
    /// Owner's name.
    pub user_name: String,
    /// Secret, sealed (an `enc:v1:` envelope).
    pub sealed_secret: String,
    /// Disabled keys are refused with `InvalidAccessKeyId.Inactive`.
    pub active: bool,
}

impl std::fmt::Debug for AccessKeyRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessKeyRecord")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .field("user_name", &self.user_name)
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

/// What a first start creates on an empty database.
#[derive(Clone)]
pub struct BootstrapSeed {
    /// Tenant name.
    pub tenant_name: String,
    /// Project name.
    pub project_name: String,
    /// Owner's user name.
    pub user_name: String,
    /// AccessKey id.
    pub access_key_id: String,
    /// AccessKey secret, sealed.
    pub sealed_secret: String,
}

/// Ids created by a bootstrap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BootstrapIds {
    /// Tenant.
    pub tenant_id: i64,
    /// Project.
    pub project_id: i64,
    /// Owner.
    pub user_id: i64,
}

/// The readiness write probe ([`Store::probe_write`]), the same on both backends.
pub const PROBE_WRITE_SQL: &str = "UPDATE schema_migrations SET version = version \
     WHERE version = (SELECT MIN(version) FROM schema_migrations)";

/// Where a running server learns that an AccessKey changed, cheaply enough to ask before every
/// use of its credential cache, so that a key revoked by another process (`admin access-key
/// revoke`) is refused on the very next request. SQLite: the size and times of a marker file
/// beside the database to which every key change appends a byte after its commit, read with one
/// `fstat` of an open descriptor (no database read, no thread hop).
pub trait KeyGeneration: Send + Sync {
    /// The stamp now; a different stamp than before means a key may have changed.
    fn current(&self) -> Result<KeyStamp, StoreError>;
}

/// What [`KeyGeneration::current`] answers: equal stamps mean no key changed in between.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyStamp(pub [i64; 3]);

/// The storage operations of the service. Both implementations pass the same test suite.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Which implementation this is.
    fn backend(&self) -> Backend;

    /// Where this server learns of AccessKey changes made by other processes (SQLite); `None`
    /// where changes are announced otherwise (PostgreSQL: LISTEN/NOTIFY, [`crate::revocation`]).
    fn key_generation(&self) -> Result<Option<Box<dyn KeyGeneration>>, StoreError> {
        Ok(None)
    }

    /// Whether the database answers (readiness).
    async fn ping(&self) -> Result<(), StoreError>;

    /// Whether the database takes a write: a committed no-op `UPDATE` of the oldest
    /// `schema_migrations` row (so a read-only database, a failing disk or a failing `fsync`
    /// shows up, which a `SELECT 1` does not notice). Changes no data.
    async fn probe_write(&self) -> Result<(), StoreError>;

    /// Authorization facts for `user_id` on `project_id`.
    async fn project_access(
        &self,
        user_id: i64,
        project_id: i64,
    ) -> Result<ProjectAccess, StoreError>;

    /// Authorization facts for `user_id` on `connection_id`, with the connection itself.
    async fn connection_access(
        &self,
        user_id: i64,
        connection_id: i64,
    ) -> Result<ConnectionAccess, StoreError>;

    /// Inserts when authorized: `Ok(Some(id))`, `Ok(None)` when not authorized,
    /// `Err(Conflict)` when the name is taken.
    async fn insert_connection(&self, new: &NewConnection) -> Result<Option<i64>, StoreError>;

    /// Updates when authorized and the conditions hold: `Ok(Some(new_version))`, else `Ok(None)`;
    /// `Err(Conflict)` when a new env type collides with another connection's name.
    async fn update_connection(&self, change: &ConnectionChange)
        -> Result<Option<i64>, StoreError>;

    /// Deletes when authorized and not bound to a compute engine: `Ok(true)`, else `Ok(false)`.
    async fn delete_connection(&self, user_id: i64, connection_id: i64)
        -> Result<bool, StoreError>;

    /// The authorization facts on the filter's project, and the page with the total count when
    /// the caller may read it (`None` otherwise; implementations may run both at once).
    async fn list_connections(
        &self,
        user_id: i64,
        filter: &ConnectionFilter,
    ) -> Result<(ProjectAccess, Option<(i64, Vec<ConnectionRecord>)>), StoreError>;

    /// The authorization facts on the project, and the connection named `name` in `env_type`
    /// when the caller may read it.
    async fn find_connection_by_name(
        &self,
        user_id: i64,
        project_id: i64,
        name: &str,
        env_type: i32,
    ) -> Result<(ProjectAccess, Option<ConnectionRecord>), StoreError>;

    /// Sets a data source's `BindingCalcEngineId` (0 unbinds): DataWorks binds the data source
    /// of a compute engine attached to a workspace. A bound data source cannot be deleted
    /// (`Invalid.Operation`). Used by operators' tooling and tests; `false` when no such row.
    async fn set_binding_calc_engine(
        &self,
        connection_id: i64,
        engine_id: i64,
    ) -> Result<bool, StoreError>;

    /// Records the outcome of a network test (does not change the row version or operator).
    async fn set_connect_status(&self, connection_id: i64, status: i32) -> Result<(), StoreError>;

    /// Replaces the shares of each of `connection_ids` by those of `shares` that name it, and
    /// sets each one's `shared` flag to whether it has any, in one transaction.
    async fn replace_shares(
        &self,
        connection_ids: &[i64],
        shares: &[ShareRecord],
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// The shares of a data source, by project and user.
    async fn list_shares(&self, connection_id: i64) -> Result<Vec<ShareRecord>, StoreError>;

    /// Creates a tenant.
    async fn create_tenant(&self, name: &str) -> Result<TenantRecord, StoreError>;
    /// All tenants by id.
    async fn list_tenants(&self) -> Result<Vec<TenantRecord>, StoreError>;
    /// Creates a project in a tenant.
    async fn create_project(&self, tenant_id: i64, name: &str)
        -> Result<ProjectRecord, StoreError>;
    /// Projects, of one tenant or all, by id.
    async fn list_projects(&self, tenant_id: Option<i64>)
        -> Result<Vec<ProjectRecord>, StoreError>;
    /// A project by id (deleted ones too).
    async fn get_project(&self, project_id: i64) -> Result<Option<ProjectRecord>, StoreError>;
    /// Soft-deletes a project: its connections stay but answer ProjectNotExists.
    async fn delete_project(&self, project_id: i64) -> Result<bool, StoreError>;
    /// Creates a user, in a tenant or in none.
    async fn create_user(
        &self,
        tenant_id: Option<i64>,
        name: &str,
    ) -> Result<UserRecord, StoreError>;
    /// Users, of one tenant or all, by id.
    async fn list_users(&self, tenant_id: Option<i64>) -> Result<Vec<UserRecord>, StoreError>;
    /// A user by name.
    async fn find_user(&self, name: &str) -> Result<Option<UserRecord>, StoreError>;
    /// Adds a member or changes the member's role.
    async fn put_member(&self, project_id: i64, user_id: i64, role: Role)
        -> Result<(), StoreError>;
    /// A project's members by user id.
    async fn list_members(&self, project_id: i64) -> Result<Vec<MemberRecord>, StoreError>;
    /// Removes a member.
    async fn remove_member(&self, project_id: i64, user_id: i64) -> Result<bool, StoreError>;
    /// Stores a new AccessKey (secret sealed).
    async fn create_access_key(
        &self,
        user_id: i64,
        id: &str,
        sealed_secret: &str,
    ) -> Result<(), StoreError>;
    /// AccessKeys, of one user or all, by id.
    async fn list_access_keys(
        &self,
        user_id: Option<i64>,
    ) -> Result<Vec<AccessKeyRecord>, StoreError>;
    /// An AccessKey by id (the credential lookup).
    async fn find_access_key(&self, id: &str) -> Result<Option<AccessKeyRecord>, StoreError>;
    /// Enables or disables an AccessKey.
    async fn set_access_key_active(&self, id: &str, active: bool) -> Result<bool, StoreError>;
    /// Deletes an AccessKey.
    async fn delete_access_key(&self, id: &str) -> Result<bool, StoreError>;
    /// Deletes every connection and restarts the connection ids and per-project sequences, in
    /// one transaction (the test-double controls' `POST /_test/reset`). Tenants, projects, users
    /// and AccessKeys stay, so clients keep working.
    async fn reset_connections(&self) -> Result<(), StoreError>;

    /// On a database without tenants, creates the seed's tenant, project, owner and AccessKey in
    /// one transaction and returns their ids; `None` when the database was not empty. Safe when
    /// several replicas start at once.
    async fn bootstrap_if_empty(
        &self,
        seed: &BootstrapSeed,
    ) -> Result<Option<BootstrapIds>, StoreError>;
}

/// Settings for opening a store.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// PostgreSQL backends of this replica: shared pipelined connections (capped by the
    /// database's `max_connections`, see [`postgres::backend_budget`]) plus an eighth of that
    /// pooled for transactions. Default [`postgres::default_pool_size`] (16 per core).
    pub pg_pool_size: usize,
    /// SQLite reader threads.
    pub sqlite_readers: usize,
    /// Most write jobs grouped into one SQLite transaction.
    pub sqlite_max_batch: usize,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            pg_pool_size: postgres::default_pool_size(),
            sqlite_readers: 4,
            sqlite_max_batch: 512,
        }
    }
}

/// Where a database URL points. Debug hides a password.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://PATH` (relative or absolute; `sqlite:///abs` works too).
    Sqlite(std::path::PathBuf),
    /// `postgres://...` or `postgresql://...`, passed to the driver as is.
    Postgres(String),
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            Self::Postgres(url) => f
                .debug_tuple("Postgres")
                .field(&crate::redact::url_without_password(url))
                .finish(),
        }
    }
}

impl DatabaseUrl {
    /// Parses a URL.
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        let url = url.trim();
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(StoreError::UnsupportedUrl);
            }
            return Ok(Self::Sqlite(path.into()));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        Err(StoreError::UnsupportedUrl)
    }
}

/// Opens (creating and migrating as needed) the store a URL points to.
pub async fn open(
    url: &str,
    options: &StoreOptions,
) -> Result<std::sync::Arc<dyn Store>, StoreError> {
    match DatabaseUrl::parse(url)? {
        DatabaseUrl::Sqlite(path) => Ok(std::sync::Arc::new(
            sqlite::SqliteStore::open(&path, options).await?,
        )),
        DatabaseUrl::Postgres(url) => Ok(std::sync::Arc::new(
            postgres::PgStore::connect(&url, options.pg_pool_size).await?,
        )),
    }
}

/// Parses a stored role; an unknown stored value means no rights.
pub(crate) fn role_from_db(value: Option<String>) -> Option<Role> {
    value.and_then(|v| v.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://./data/x.db").unwrap(),
            DatabaseUrl::Sqlite("./data/x.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/x.db").unwrap(),
            DatabaseUrl::Sqlite("/tmp/x.db".into())
        );
        assert!(matches!(
            DatabaseUrl::parse("postgres://u@h/db").unwrap(),
            DatabaseUrl::Postgres(_)
        ));
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }
}
