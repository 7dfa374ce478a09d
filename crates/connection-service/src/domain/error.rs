//! The domain's errors: one variant per documented answer, so that the API adapter maps them
//! one to one onto the generated error codes and never needs to look inside.

/// Why an operation was refused. Messages are safe to show: they name parameters and ids, never
/// secret values or database internals.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// `Invalid.Tenant.UserNotInTenant` (403): the caller belongs to no tenant.
    #[error("the user is not in a tenant")]
    UserNotInTenant,
    /// `Invalid.Tenant.ProjectNotExists` (400): no such project in the caller's tenant.
    #[error("the project does not exist")]
    ProjectNotExists,
    /// `Invalid.Tenant.UserNotInProject` (400): the caller is not a member of the project.
    #[error("the user is not in the project")]
    UserNotInProject,
    /// `Invalid.Tenant.UserIsNotProjectOwnerOrAdmin` (403): a changing operation needs that role.
    #[error("the user is not a project administrator or owner")]
    UserIsNotProjectOwnerOrAdmin,
    /// `Invalid.Tenant.ConnectionNotExists` (400): no such connection in the caller's tenant
    /// (also for ids that exist in another tenant).
    #[error("the connection does not exist")]
    ConnectionNotExists,
    /// `Invalid.DataSource.DataSourceStatus` (400): the connection is disabled, so it cannot be
    /// tested.
    #[error("the data source is disabled")]
    DataSourceStatus,
    /// A connection with this name already exists in the project for this env type
    /// (suggested wire form: 400 `InvalidParameter` naming `Name`).
    #[error("a connection named {name:?} already exists in this project for env type {env_type}")]
    NameConflict {
        /// The name asked for.
        name: String,
        /// The env type it collides in.
        env_type: i32,
    },
    /// Content lacks a key its type requires: `MissingParam.ConnectionStr.Property` (400) where
    /// the operation documents it (UpdateDataSource), else `InvalidParameter` naming Content.
    #[error("Content lacks the property {property}: {reason}")]
    ContentPropertyMissing {
        /// The missing key (or `a or b` for a group of which one is needed).
        property: String,
        /// The whole reason, as InvalidParameter words it.
        reason: String,
    },
    /// `Invalid.Operation` (400): the data source is bound to a compute engine
    /// (`BindingCalcEngineId` is not 0), so it cannot be deleted.
    #[error("the data source is bound to a compute engine")]
    BoundToCalcEngine,
    /// 400 `InvalidParameter`: a semantic check on one parameter failed (Content, Status, SubType,
    /// ConnectionType, EnvType, Name, PageNumber, PageSize ...).
    #[error("the specified parameter \"{name}\" is not valid: {reason}")]
    InvalidParameter {
        /// The parameter's wire name.
        name: &'static str,
        /// Why, for the caller.
        reason: String,
    },
    /// 500 `InternalError`: storage or crypto failed. The cause is logged by the service with
    /// secrets excluded; the answer says nothing more.
    #[error("internal error")]
    Internal,
}

impl DomainError {
    /// Shorthand for [`DomainError::InvalidParameter`].
    pub fn invalid(name: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidParameter {
            name,
            reason: reason.into(),
        }
    }
}
