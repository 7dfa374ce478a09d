//! [`ConnectionService`]: the five connection operations.

use std::sync::Arc;

use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::error::DomainError;
use super::model::Role;
use super::model::{
    Caller, ConnectionPage, ConnectionStatus, ConnectionView, CreateConnection, ListConnections,
    NetworkTestResult, TestNetworkConnection, UpdateConnection,
};
use super::view::connection_view;
use crate::content;
use crate::crypto::Cipher;
use crate::network::{self, ProbeConfig};
use crate::store::{
    ConnectionAccess, ConnectionChange, ConnectionFilter, ConnectionRecord, NewConnection,
    ProjectAccess, SharePermission, Store, StoreError,
};

/// PageSize when none is given.
pub const DEFAULT_PAGE_SIZE: i32 = 10;
/// Largest PageSize.
pub const MAX_PAGE_SIZE: i32 = 100;
/// Longest Name, in characters.
const MAX_NAME_CHARS: usize = 255;
/// Longest Description, in characters.
const MAX_DESCRIPTION_CHARS: usize = 4096;
/// Attempts of an optimistic update before giving up (each failed attempt means another writer
/// committed in between, so progress is always made by someone).
const MAX_UPDATE_ATTEMPTS: usize = 1000;

/// The connection operations over a [`Store`].
#[derive(Clone)]
pub struct ConnectionService {
    pub(super) store: Arc<dyn Store>,
    pub(super) cipher: Cipher,
    probe: ProbeConfig,
}

impl std::fmt::Debug for ConnectionService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionService")
            .field("backend", &self.store.backend())
            .finish_non_exhaustive()
    }
}

/// Logs a storage failure (ids and error kinds only) and answers `Internal`.
pub(super) fn internal(operation: &'static str, e: impl std::fmt::Display) -> DomainError {
    tracing::error!(operation, error = %e, "connection operation failed");
    DomainError::Internal
}

/// The documented order for a project: tenant, project, membership, then role for changes.
pub(super) fn authorize_project(access: &ProjectAccess, changing: bool) -> Result<(), DomainError> {
    if !access.in_tenant {
        return Err(DomainError::UserNotInTenant);
    }
    if !access.project_exists {
        return Err(DomainError::ProjectNotExists);
    }
    let role = access.role.ok_or(DomainError::UserNotInProject)?;
    if changing && !role.may_change_connections() {
        return Err(DomainError::UserIsNotProjectOwnerOrAdmin);
    }
    Ok(())
}

/// What an operation on one connection needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Need {
    /// Read it: any member of its project, or a receiver of a share.
    Read,
    /// Change it: an owner/admin of its project, or a receiver of a `WRITE` share.
    Update,
    /// Delete it: an owner/admin of its project only. A share lets its receivers read or
    /// modify the data source in place, never remove it from its owner and the other receivers.
    Delete,
}

/// The documented order for a connection: tenant, connection (inside the caller's tenant
/// only), project, membership (or a share reaching the caller), then role (or the share's
/// permission) for changes.
pub(super) fn authorize_connection(
    access: ConnectionAccess,
    need: Need,
) -> Result<ConnectionRecord, DomainError> {
    if !access.in_tenant {
        return Err(DomainError::UserNotInTenant);
    }
    let connection = access.connection.ok_or(DomainError::ConnectionNotExists)?;
    if !access.project_exists {
        return Err(DomainError::ProjectNotExists);
    }
    let by_role = access.role.map(Role::may_change_connections);
    let by_share = access.share;
    if by_role.is_none() && by_share.is_none() {
        return Err(DomainError::UserNotInProject);
    }
    let allowed = match need {
        Need::Read => true,
        Need::Update => by_role == Some(true) || by_share == Some(SharePermission::Write),
        Need::Delete => by_role == Some(true),
    };
    if !allowed {
        return Err(DomainError::UserIsNotProjectOwnerOrAdmin);
    }
    Ok(connection)
}

pub(super) fn check_env_type(value: i32) -> Result<i32, DomainError> {
    match value {
        0 | 1 => Ok(value),
        _ => Err(DomainError::invalid(
            "EnvType",
            "must be 0 (development) or 1 (production)",
        )),
    }
}

pub(super) fn check_status(value: &str) -> Result<i32, DomainError> {
    ConnectionStatus::parse_request(value)
        .map(ConnectionStatus::code)
        .ok_or_else(|| DomainError::invalid("Status", "must be ENABLED or DISABLED (or 0, 1, 2)"))
}

pub(super) fn check_description(value: Option<String>) -> Result<Option<String>, DomainError> {
    match value {
        Some(d) if d.chars().count() > MAX_DESCRIPTION_CHARS => Err(DomainError::invalid(
            "Description",
            format!("longer than {MAX_DESCRIPTION_CHARS} characters"),
        )),
        other => Ok(other),
    }
}

fn check_connection_type(value: &str) -> Result<(), DomainError> {
    if content::CONNECTION_TYPES.contains(&value) {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "ConnectionType",
            format!("must be one of {}", content::CONNECTION_TYPES.join(", ")),
        ))
    }
}

/// Content against the rules of `connection_type`: a missing required key is
/// [`DomainError::ContentPropertyMissing`], any other failure `InvalidParameter` naming Content.
pub(super) fn check_content(
    connection_type: &str,
    map: &Map<String, Value>,
) -> Result<(), DomainError> {
    content::validate(connection_type, map).map_err(|e| {
        match content::first_missing(connection_type, map) {
            Some(property) => DomainError::ContentPropertyMissing {
                property,
                reason: e.0,
            },
            None => DomainError::invalid("Content", e.0),
        }
    })
}

pub(super) fn parse_content(text: &str) -> Result<Map<String, Value>, DomainError> {
    content::parse(text).map_err(|e| DomainError::invalid("Content", e.0))
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

impl ConnectionService {
    /// A service over `store`, sealing secrets with `cipher`, probing networks with `probe`.
    pub fn new(store: Arc<dyn Store>, cipher: Cipher, probe: ProbeConfig) -> Self {
        Self {
            store,
            cipher,
            probe,
        }
    }

    /// The store (for admin tooling and the credential lookup).
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The cipher (for admin tooling and the credential lookup).
    pub fn cipher(&self) -> &Cipher {
        &self.cipher
    }

    /// CreateConnection: returns the new connection's id.
    ///
    /// Parameter checks (type, sub-type, env type, name, Content rules) come first, since they
    /// reveal nothing about stored data; then the insert, which carries the owner/admin check in
    /// its statement; only when it inserts nothing is the reason looked up, in the documented
    /// order.
    pub async fn create_connection(
        &self,
        caller: &Caller,
        input: CreateConnection,
    ) -> Result<i64, DomainError> {
        let name = input.name.trim().to_owned();
        if name.is_empty() {
            return Err(DomainError::invalid("Name", "must not be empty"));
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(DomainError::invalid(
                "Name",
                format!("longer than {MAX_NAME_CHARS} characters"),
            ));
        }
        check_connection_type(&input.connection_type)?;
        let sub_type = non_empty(input.sub_type);
        if let Some(sub) = &sub_type {
            if input.connection_type != "rds" {
                return Err(DomainError::invalid(
                    "SubType",
                    "is only valid with ConnectionType rds",
                ));
            }
            if !content::RDS_SUB_TYPES.contains(&sub.as_str()) {
                return Err(DomainError::invalid(
                    "SubType",
                    format!("must be one of {}", content::RDS_SUB_TYPES.join(", ")),
                ));
            }
        }
        let env_type = check_env_type(input.env_type)?;
        let description = check_description(input.description)?.unwrap_or_default();
        let map = parse_content(&input.content)?;
        check_content(&input.connection_type, &map)?;
        let new = NewConnection {
            user_id: caller.user_id,
            project_id: input.project_id,
            name: name.clone(),
            connection_type: input.connection_type,
            sub_type,
            description,
            env_type,
            content: content::seal(map, &self.cipher),
            now: OffsetDateTime::now_utc(),
        };
        for _ in 0..3 {
            match self.store.insert_connection(&new).await {
                Ok(Some(id)) => return Ok(id),
                Ok(None) => {}
                Err(StoreError::Conflict(_)) => {
                    return Err(DomainError::NameConflict { name, env_type })
                }
                Err(e) => return Err(internal("CreateConnection", e)),
            }
            let access = self
                .store
                .project_access(caller.user_id, input.project_id)
                .await
                .map_err(|e| internal("CreateConnection", e))?;
            authorize_project(&access, true)?;
            // Authorized now but not at insert time: a membership changed in between; retry.
        }
        Err(internal("CreateConnection", "authorization kept changing"))
    }

    /// UpdateConnection: replaces Content and EnvType, and Description/Status when given.
    ///
    /// Without a masked secret in Content this is one statement (authorization, the stored
    /// type's Content rules and the write together). With a masked secret the stored Content is
    /// read, the mask replaced by the stored secret, and the write made conditional on the row
    /// version read; a concurrent writer makes it retry, so no update is lost.
    pub async fn update_connection(
        &self,
        caller: &Caller,
        input: UpdateConnection,
    ) -> Result<(), DomainError> {
        let env_type = check_env_type(input.env_type)?;
        let status = input
            .status
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(check_status)
            .transpose()?;
        let description = check_description(input.description)?;
        let map = parse_content(&input.content)?;
        if content::has_masked_secret(&map) {
            return self
                .update_from_stored(
                    caller,
                    input.connection_id,
                    Some(map),
                    Some(env_type),
                    description,
                    status,
                )
                .await;
        }
        let allowed: Vec<String> = content::valid_types(&map)
            .into_iter()
            .map(str::to_owned)
            .collect();
        let mut change = ConnectionChange {
            user_id: caller.user_id,
            connection_id: input.connection_id,
            content: content::seal(map, &self.cipher),
            env_type,
            description,
            status,
            allowed_types: allowed,
            expected_version: None,
            now: OffsetDateTime::now_utc(),
        };
        for _ in 0..3 {
            if !change.allowed_types.is_empty() {
                match self.store.update_connection(&change).await {
                    Ok(Some(_)) => return Ok(()),
                    Ok(None) => {}
                    Err(StoreError::Conflict(_)) => {
                        return Err(self
                            .name_conflict(caller, input.connection_id, env_type)
                            .await)
                    }
                    Err(e) => return Err(internal("UpdateConnection", e)),
                }
            }
            let access = self
                .store
                .connection_access(caller.user_id, input.connection_id)
                .await
                .map_err(|e| internal("UpdateConnection", e))?;
            let record = authorize_connection(access, Need::Update)?;
            // The slow path (refused or raced): parse again rather than keep a copy for it.
            check_content(&record.connection_type, &parse_content(&input.content)?)?;
            change.now = OffsetDateTime::now_utc();
        }
        Err(internal("UpdateConnection", "authorization kept changing"))
    }

    /// The read-merge-write update: what `map` leaves masked (or, when `map` is `None`, the
    /// whole Content) and a missing `env_type` are taken from the stored row, and the write is
    /// conditional on the row version read, retried when another writer came first.
    pub(super) async fn update_from_stored(
        &self,
        caller: &Caller,
        connection_id: i64,
        map: Option<Map<String, Value>>,
        env_type: Option<i32>,
        description: Option<String>,
        status: Option<i32>,
    ) -> Result<(), DomainError> {
        for _ in 0..MAX_UPDATE_ATTEMPTS {
            let access = self
                .store
                .connection_access(caller.user_id, connection_id)
                .await
                .map_err(|e| internal("UpdateConnection", e))?;
            let record = authorize_connection(access, Need::Update)?;
            let sealed = match &map {
                Some(map) => {
                    check_content(&record.connection_type, map)?;
                    content::seal_keeping_masked(map.clone(), &record.content, &self.cipher)
                        .map_err(|e| DomainError::invalid("Content", e.0))?
                }
                None => record.content.clone(),
            };
            let env_type = env_type.unwrap_or(record.env_type);
            let change = ConnectionChange {
                user_id: caller.user_id,
                connection_id,
                content: sealed,
                env_type,
                description: description.clone(),
                status,
                allowed_types: vec![record.connection_type.clone()],
                expected_version: Some(record.version),
                now: OffsetDateTime::now_utc(),
            };
            match self.store.update_connection(&change).await {
                Ok(Some(_)) => return Ok(()),
                // Someone else committed first (or rights changed): read again.
                Ok(None) => tokio::task::yield_now().await,
                Err(StoreError::Conflict(_)) => {
                    return Err(DomainError::NameConflict {
                        name: record.name,
                        env_type,
                    })
                }
                Err(e) => return Err(internal("UpdateConnection", e)),
            }
        }
        Err(internal("UpdateConnection", "too many concurrent updates"))
    }

    async fn name_conflict(
        &self,
        caller: &Caller,
        connection_id: i64,
        env_type: i32,
    ) -> DomainError {
        let name = match self
            .store
            .connection_access(caller.user_id, connection_id)
            .await
        {
            Ok(access) => access.connection.map(|c| c.name).unwrap_or_default(),
            Err(e) => return internal("UpdateConnection", e),
        };
        DomainError::NameConflict { name, env_type }
    }

    /// ListConnections: a page of the project's connections, Sequence descending.
    ///
    /// The Name filter matches a case-sensitive substring of the name (what console users
    /// expect from a search box); the other filters match exactly.
    pub async fn list_connections(
        &self,
        caller: &Caller,
        query: ListConnections,
    ) -> Result<ConnectionPage, DomainError> {
        self.list_page(caller, query, true).await
    }

    /// ExportDataSources' rows: the project's own data sources only, without those other
    /// projects share with it (an export is what the project itself holds and can re-create).
    pub async fn list_own_connections(
        &self,
        caller: &Caller,
        query: ListConnections,
    ) -> Result<ConnectionPage, DomainError> {
        self.list_page(caller, query, false).await
    }

    /// A page of the project's connections (Sequence descending), followed, with
    /// `include_shared`, by the data sources shared with the project or with the caller in
    /// it, under their shared names with `Shared: true`; TotalCount counts both.
    async fn list_page(
        &self,
        caller: &Caller,
        query: ListConnections,
        include_shared: bool,
    ) -> Result<ConnectionPage, DomainError> {
        let page_number = query.page_number.unwrap_or(1);
        if page_number < 1 {
            return Err(DomainError::invalid("PageNumber", "must be 1 or more"));
        }
        let page_size = query.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
            return Err(DomainError::invalid(
                "PageSize",
                format!("must be between 1 and {MAX_PAGE_SIZE}"),
            ));
        }
        let connection_type = non_empty(query.connection_type);
        if let Some(t) = &connection_type {
            check_connection_type(t)?;
        }
        let status = non_empty(query.status)
            .as_deref()
            .map(check_status)
            .transpose()?;
        let env_type = query.env_type.map(check_env_type).transpose()?;
        let filter = ConnectionFilter {
            project_id: query.project_id,
            name_contains: non_empty(query.name),
            connection_type,
            sub_type: non_empty(query.sub_type),
            status,
            env_type,
            limit: i64::from(page_size),
            offset: (i64::from(page_number) - 1) * i64::from(page_size),
            include_shared,
        };
        let (access, page) = self
            .store
            .list_connections(caller.user_id, &filter)
            .await
            .map_err(|e| internal("ListConnections", e))?;
        authorize_project(&access, false)?;
        let (total_count, records) = page.unwrap_or_default();
        Ok(ConnectionPage {
            page_number,
            page_size,
            total_count,
            connections: records.into_iter().map(connection_view).collect(),
        })
    }

    /// DeleteConnection.
    pub async fn delete_connection(
        &self,
        caller: &Caller,
        connection_id: i64,
    ) -> Result<(), DomainError> {
        let deleted = self
            .store
            .delete_connection(caller.user_id, connection_id)
            .await
            .map_err(|e| internal("DeleteConnection", e))?;
        if deleted {
            return Ok(());
        }
        let access = self
            .store
            .connection_access(caller.user_id, connection_id)
            .await
            .map_err(|e| internal("DeleteConnection", e))?;
        let record = authorize_connection(access, Need::Delete)?;
        if record.binding_calc_engine_id != 0 {
            return Err(DomainError::BoundToCalcEngine);
        }
        // Authorized, yet nothing was deleted: another request deleted it first.
        Err(DomainError::ConnectionNotExists)
    }

    /// One connection as answered, for callers that may read it (membership suffices).
    pub async fn get_connection(
        &self,
        caller: &Caller,
        connection_id: i64,
    ) -> Result<ConnectionView, DomainError> {
        let access = self
            .store
            .connection_access(caller.user_id, connection_id)
            .await
            .map_err(|e| internal("GetConnection", e))?;
        authorize_connection(access, Need::Read).map(connection_view)
    }

    /// TestNetworkConnection: opens a TCP connection to where the named connection points.
    ///
    /// A disabled connection answers `DataSourceStatus`. Unreachable, unresolvable or denied
    /// destinations are not errors: they answer `connect_status: false` with the reason.
    pub async fn test_network_connection(
        &self,
        caller: &Caller,
        input: TestNetworkConnection,
    ) -> Result<NetworkTestResult, DomainError> {
        let env_type = match input.env_type.trim() {
            "0" => 0,
            "1" => 1,
            _ => {
                return Err(DomainError::invalid(
                    "EnvType",
                    "must be \"0\" (development) or \"1\" (production)",
                ))
            }
        };
        if input.datasource_name.trim().is_empty() {
            return Err(DomainError::invalid("DatasourceName", "must not be empty"));
        }
        let (access, record) = self
            .store
            .find_connection_by_name(
                caller.user_id,
                input.project_id,
                input.datasource_name.trim(),
                env_type,
            )
            .await
            .map_err(|e| internal("TestNetworkConnection", e))?;
        authorize_project(&access, false)?;
        let record = record.ok_or(DomainError::ConnectionNotExists)?;
        if record.status == ConnectionStatus::Disabled.code() {
            return Err(DomainError::DataSourceStatus);
        }
        // Only address keys are read, never secrets: no decryption needed.
        let stored: Map<String, Value> = serde_json::from_str(&record.content).unwrap_or_default();
        let outcome = match network::target_of(
            &record.connection_type,
            record.sub_type.as_deref(),
            &stored,
        ) {
            Ok(target) => network::probe(&target, &self.probe).await,
            Err(reason) => network::ProbeOutcome {
                reachable: false,
                message: reason,
            },
        };
        let status = if outcome.reachable { 1 } else { 2 };
        if let Err(e) = self.store.set_connect_status(record.id, status).await {
            tracing::warn!(connection_id = record.id, error = %e, "could not record the test result");
        }
        Ok(NetworkTestResult {
            connect_status: outcome.reachable,
            connect_message: outcome.message,
        })
    }
}
