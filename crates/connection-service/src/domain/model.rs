//! Plain domain values: who calls, roles, statuses, and the inputs and outputs of the operations.
//!
//! Inputs carry the wire's loose forms (strings for Status, integers for EnvType) so that the
//! adapter from the generated trait stays a field-by-field copy; the service checks them.

use std::fmt;
use std::str::FromStr;

/// The authenticated caller: the user that owns the AccessKey that signed the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    /// Id of the user (the `principal` of the AccessKey credential, as a number).
    pub user_id: i64,
}

/// A project member's role. Owners and admins may change connections; everyone may read them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Created the project; full rights.
    Owner,
    /// Full rights on connections.
    Admin,
    /// Reads connections and tests them.
    Developer,
    /// Reads connections.
    Visitor,
}

impl Role {
    /// Every role, in order of rights.
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Developer, Role::Visitor];

    /// The stored and printed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Developer => "developer",
            Role::Visitor => "visitor",
        }
    }

    /// Whether this role may create, update and delete connections.
    pub fn may_change_connections(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not a role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?} (expected owner, admin, developer or visitor)")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// A connection's status as answered (`1` normal, `2` disabled).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionStatus {
    /// Usable.
    Normal = 1,
    /// Switched off by its owner.
    Disabled = 2,
}

impl ConnectionStatus {
    /// Parses a request value: `ENABLED`/`DISABLED` in any case (what current SDKs send), or the
    /// numeric forms `0`/`1` (enabled; `0` is the reference text's example) and `2` (disabled).
    pub fn parse_request(value: &str) -> Option<Self> {
        let v = value.trim();
        if v.eq_ignore_ascii_case("ENABLED") || v == "0" || v == "1" {
            Some(Self::Normal)
        } else if v.eq_ignore_ascii_case("DISABLED") || v == "2" {
            Some(Self::Disabled)
        } else {
            None
        }
    }

    /// The integer used in answers and storage.
    pub fn code(self) -> i32 {
        self as i32
    }

    /// From the stored integer.
    pub fn from_code(code: i32) -> Option<Self> {
        match code {
            1 => Some(Self::Normal),
            2 => Some(Self::Disabled),
            _ => None,
        }
    }
}

/// Input of `create_connection` (CreateConnection's parameters). Debug hides Content.
#[derive(Clone, PartialEq, Eq)]
pub struct CreateConnection {
    /// ProjectId.
    pub project_id: i64,
    /// Name; unique per (project, env type).
    pub name: String,
    /// ConnectionType, e.g. `mysql`.
    pub connection_type: String,
    /// SubType; only for `rds` (`mysql`, `sqlserver`, `postgresql`).
    pub sub_type: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Content: a JSON object as text. Holds secrets in plain text: `Debug` never shows it.
    pub content: String,
    /// EnvType: 0 development, 1 production.
    pub env_type: i32,
}

/// Input of `update_connection` (UpdateConnection's parameters). Debug hides Content.
#[derive(Clone, PartialEq, Eq)]
pub struct UpdateConnection {
    /// ConnectionId.
    pub connection_id: i64,
    /// Content: the new JSON object; secret values equal to the mask keep the stored secret.
    pub content: String,
    /// EnvType: the connection's (possibly new) environment.
    pub env_type: i32,
    /// Description; `None` keeps the current one.
    pub description: Option<String>,
    /// Status as sent (`ENABLED`/`DISABLED`/`0`/`1`/`2`); `None` keeps the current one.
    pub status: Option<String>,
}

impl fmt::Debug for CreateConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateConnection")
            .field("project_id", &self.project_id)
            .field("name", &self.name)
            .field("connection_type", &self.connection_type)
            .field("sub_type", &self.sub_type)
            .field("description", &self.description)
            .field("content", &crate::redact::content_summary(&self.content))
            .field("env_type", &self.env_type)
            .finish()
    }
}

impl fmt::Debug for UpdateConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdateConnection")
            .field("connection_id", &self.connection_id)
            .field("content", &crate::redact::content_summary(&self.content))
            .field("env_type", &self.env_type)
            .field("description", &self.description)
            .field("status", &self.status)
            .finish()
    }
}

/// Input of `update_data_source` (UpdateDataSource's parameters): like [`UpdateConnection`],
/// but Content and EnvType may be left out to keep the stored ones. Debug hides Content.
#[derive(Clone, PartialEq, Eq)]
pub struct UpdateDataSource {
    /// DataSourceId (the same ids as ConnectionId).
    pub connection_id: i64,
    /// Content; `None` keeps the stored Content, secrets included.
    pub content: Option<String>,
    /// EnvType; `None` keeps the current one.
    pub env_type: Option<i32>,
    /// Description; `None` keeps the current one.
    pub description: Option<String>,
    /// Status as sent; `None` keeps the current one.
    pub status: Option<String>,
}

impl fmt::Debug for UpdateDataSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdateDataSource")
            .field("connection_id", &self.connection_id)
            .field(
                "content",
                &self.content.as_deref().map(crate::redact::content_summary),
            )
            .field("env_type", &self.env_type)
            .field("description", &self.description)
            .field("status", &self.status)
            .finish()
    }
}

/// Output of `import_data_sources` (`Data` of ImportDataSources).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    /// The ids of the data sources created, in the order of the input.
    pub imported: Vec<i64>,
    /// One reason per entry that was not imported (names and parameters, never values).
    pub failures: Vec<String>,
}

/// Input of `set_data_source_share` (SetDataSourceShare's parameters).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetDataSourceShare {
    /// ProjectId: the data source's project.
    pub project_id: i64,
    /// DatasourceName.
    pub datasource_name: String,
    /// EnvType as sent (`"0"`/`"1"`); `None` for both environments.
    pub env_type: Option<String>,
    /// ProjectPermissions: a JSON array of `{projectId, permission, sharedName}`.
    pub project_permissions: Option<String>,
    /// UserPermissions: a JSON array of `{projectId, users: [{userId, permission}], sharedName}`.
    pub user_permissions: Option<String>,
}

/// Output of `set_data_source_share` (`Data` of SetDataSourceShare).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareOutcome {
    /// Whether the shares were replaced (`success`) or the request refused (`fail`).
    pub applied: bool,
    /// Why it was refused; empty when applied.
    pub message: String,
}

/// Input of `list_connections` (ListConnections' parameters).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListConnections {
    /// ProjectId.
    pub project_id: i64,
    /// Name filter: a case-sensitive substring of the name.
    pub name: Option<String>,
    /// ConnectionType filter (exact).
    pub connection_type: Option<String>,
    /// SubType filter (exact).
    pub sub_type: Option<String>,
    /// Status filter, request forms as in UpdateConnection.
    pub status: Option<String>,
    /// EnvType filter.
    pub env_type: Option<i32>,
    /// PageNumber, from 1; default 1.
    pub page_number: Option<i32>,
    /// PageSize, 1..=100; default 10.
    pub page_size: Option<i32>,
}

/// One connection as answered (Content masked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// ProjectId.
    pub project_id: i64,
    /// TenantId.
    pub tenant_id: i64,
    /// ConnectionType.
    pub connection_type: String,
    /// SubType (empty when none).
    pub sub_type: String,
    /// Content with every secret value replaced by [`crate::content::MASK`].
    pub content: String,
    /// Description.
    pub description: String,
    /// EnvType.
    pub env_type: i32,
    /// Status: 1 normal, 2 disabled.
    pub status: i32,
    /// ConnectStatus: 0 never tested, 1 last test reached it, 2 last test failed.
    pub connect_status: i32,
    /// Shared.
    pub shared: bool,
    /// Sequence: increasing per project; lists are sorted by it, descending.
    pub sequence: i64,
    /// BindingCalcEngineId.
    pub binding_calc_engine_id: i64,
    /// DefaultEngine.
    pub default_engine: bool,
    /// Operator: name of the user that last changed it.
    pub operator: String,
    /// GmtCreate, Java-style UTC text (`Mar 17, 2021 4:09:32 PM`).
    pub gmt_create: String,
    /// GmtModified, same format.
    pub gmt_modified: String,
    /// Row version (1 on creation, +1 per update). Not on the wire; useful to adapters and tests.
    pub version: i64,
}

/// Output of `list_connections`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionPage {
    /// PageNumber used.
    pub page_number: i32,
    /// PageSize used.
    pub page_size: i32,
    /// Matches over all pages.
    pub total_count: i64,
    /// This page, Sequence descending.
    pub connections: Vec<ConnectionView>,
}

/// Input of `test_network_connection` (TestNetworkConnection's parameters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestNetworkConnection {
    /// ProjectId.
    pub project_id: i64,
    /// DatasourceName: the connection's name.
    pub datasource_name: String,
    /// EnvType as sent: `"0"` or `"1"` (a string on the wire).
    pub env_type: String,
    /// ResourceGroup: recorded for the answer's message only (there is one network here).
    pub resource_group: String,
}

/// Output of `test_network_connection` (`TaskList` on the wire).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkTestResult {
    /// ConnectStatus: whether a TCP connection was established.
    pub connect_status: bool,
    /// ConnectMessage: what was tried, and why it failed.
    pub connect_message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_request_forms() {
        for v in ["ENABLED", "enabled", "Enabled", "0", "1", " 1 "] {
            assert_eq!(
                ConnectionStatus::parse_request(v),
                Some(ConnectionStatus::Normal),
                "{v}"
            );
        }
        for v in ["DISABLED", "disabled", "2"] {
            assert_eq!(
                ConnectionStatus::parse_request(v),
                Some(ConnectionStatus::Disabled)
            );
        }
        for v in ["", "3", "on", "ENABLE", "-1"] {
            assert_eq!(ConnectionStatus::parse_request(v), None, "{v}");
        }
    }

    #[test]
    fn debug_never_shows_content() {
        let c = CreateConnection {
            project_id: 1,
            name: "n".into(),
            connection_type: "mysql".into(),
            sub_type: None,
            description: None,
            content: r#"{"password":"hunter2"}"#.into(),
            env_type: 0,
        };
        assert!(!format!("{c:?}").contains("hunter2"));
        let u = UpdateConnection {
            connection_id: 1,
            content: c.content.clone(),
            env_type: 0,
            description: None,
            status: None,
        };
        assert!(!format!("{u:?}").contains("hunter2"));
    }

    #[test]
    fn roles_parse_any_case() {
        assert_eq!("Owner".parse::<Role>(), Ok(Role::Owner));
        assert_eq!("visitor".parse::<Role>(), Ok(Role::Visitor));
        assert!("root".parse::<Role>().is_err());
        assert!(Role::Admin.may_change_connections());
        assert!(!Role::Developer.may_change_connections());
    }
}
