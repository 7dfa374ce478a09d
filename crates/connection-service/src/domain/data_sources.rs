//! The DataSource family's own rules on top of the connection operations: UpdateDataSource with
//! optional Content/EnvType, ImportDataSources and SetDataSourceShare. CreateDataSource,
//! ListDataSources, DeleteDataSource and ExportDataSources are the connection operations
//! themselves (see `src/api.rs`); these three only add what the family documents beyond them.

use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::error::DomainError;
use super::model::{
    Caller, CreateConnection, ImportOutcome, SetDataSourceShare, ShareOutcome, UpdateConnection,
    UpdateDataSource,
};
use super::service::{
    authorize_project, check_description, check_env_type, check_status, internal, parse_content,
    ConnectionService,
};
use crate::content;
use crate::store::{SharePermission, ShareRecord};

/// Most entries one ImportDataSources call takes (one page of ExportDataSources).
pub const MAX_IMPORT_ENTRIES: usize = 100;

/// A field of an import entry or a share item, by its name in any case (`Name`, `name`):
/// exports answer PascalCase, Alibaba's own examples of the permission lists use camelCase.
fn field<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
        .filter(|v| !v.is_null())
}

fn text_field(object: &Map<String, Value>, name: &str) -> Option<String> {
    match field(object, name)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An integer given as a JSON number or as a string of digits.
fn int_field(object: &Map<String, Value>, name: &str) -> Option<i64> {
    match field(object, name)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// One ImportDataSources entry as a CreateConnection, or why not.
fn import_entry(
    project_id: i64,
    entry: &Map<String, Value>,
) -> Result<CreateConnection, &'static str> {
    let name = text_field(entry, "Name").ok_or("Name is missing")?;
    let connection_type = text_field(entry, "DataSourceType")
        .or_else(|| text_field(entry, "ConnectionType"))
        .ok_or("DataSourceType is missing")?;
    let content = match field(entry, "Content").ok_or("Content is missing")? {
        Value::String(s) => s.clone(),
        object @ Value::Object(_) => object.to_string(),
        _ => return Err("Content must be a JSON object or a string holding one"),
    };
    let env_type = int_field(entry, "EnvType")
        .and_then(|e| i32::try_from(e).ok())
        .ok_or("EnvType is missing or not 0 or 1")?;
    Ok(CreateConnection {
        project_id,
        name,
        connection_type,
        sub_type: text_field(entry, "SubType"),
        description: text_field(entry, "Description"),
        content,
        env_type,
    })
}

/// A project named by a share, with what it gets.
struct ProjectShare {
    project_id: i64,
    permission: SharePermission,
    shared_name: Option<String>,
    users: Vec<(i64, SharePermission)>,
}

fn permission(
    object: &Map<String, Value>,
    parameter: &'static str,
) -> Result<SharePermission, DomainError> {
    text_field(object, "permission")
        .as_deref()
        .and_then(SharePermission::parse)
        .ok_or_else(|| DomainError::invalid(parameter, "each permission must be READ or WRITE"))
}

fn share_list(
    text: Option<&str>,
    parameter: &'static str,
) -> Result<Vec<Map<String, Value>>, DomainError> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(Vec::new());
    };
    serde_json::from_str(text)
        .map_err(|_| DomainError::invalid(parameter, "must be a JSON array of objects"))
}

fn project_id_of(object: &Map<String, Value>, parameter: &'static str) -> Result<i64, DomainError> {
    int_field(object, "projectId")
        .filter(|id| *id > 0)
        .ok_or_else(|| DomainError::invalid(parameter, "each item needs a projectId"))
}

/// ProjectPermissions and UserPermissions, parsed (shape and values only).
fn parse_shares(input: &SetDataSourceShare) -> Result<Vec<ProjectShare>, DomainError> {
    const PROJECTS: &str = "ProjectPermissions";
    const USERS: &str = "UserPermissions";
    let mut out = Vec::new();
    for item in share_list(input.project_permissions.as_deref(), PROJECTS)? {
        out.push(ProjectShare {
            project_id: project_id_of(&item, PROJECTS)?,
            permission: permission(&item, PROJECTS)?,
            shared_name: text_field(&item, "sharedName"),
            users: Vec::new(),
        });
    }
    for item in share_list(input.user_permissions.as_deref(), USERS)? {
        let project_id = project_id_of(&item, USERS)?;
        let Some(Value::Array(users)) = field(&item, "users") else {
            return Err(DomainError::invalid(USERS, "each item needs a users array"));
        };
        let mut list = Vec::new();
        for user in users {
            let Value::Object(user) = user else {
                return Err(DomainError::invalid(USERS, "each user must be an object"));
            };
            let user_id = int_field(user, "userId")
                .filter(|id| *id > 0)
                .ok_or_else(|| DomainError::invalid(USERS, "each user needs a userId"))?;
            list.push((user_id, permission(user, USERS)?));
        }
        out.push(ProjectShare {
            project_id,
            // A user share gives the project itself nothing; only its listed users.
            permission: SharePermission::Read,
            shared_name: text_field(&item, "sharedName"),
            users: list,
        });
    }
    Ok(out)
}

impl ConnectionService {
    /// UpdateDataSource: UpdateConnection when Content and EnvType are both given; otherwise
    /// the stored ones are kept, through the same versioned read-merge-write as a masked secret.
    pub async fn update_data_source(
        &self,
        caller: &Caller,
        input: UpdateDataSource,
    ) -> Result<(), DomainError> {
        if let (Some(content), Some(env_type)) = (&input.content, input.env_type) {
            return self
                .update_connection(
                    caller,
                    UpdateConnection {
                        connection_id: input.connection_id,
                        content: content.clone(),
                        env_type,
                        description: input.description,
                        status: input.status,
                    },
                )
                .await;
        }
        let env_type = input.env_type.map(check_env_type).transpose()?;
        let status = input
            .status
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(check_status)
            .transpose()?;
        let description = check_description(input.description)?;
        let map = input.content.as_deref().map(parse_content).transpose()?;
        self.update_from_stored(
            caller,
            input.connection_id,
            map,
            env_type,
            description,
            status,
        )
        .await
    }

    /// ImportDataSources: each entry of the JSON array `data_sources` created as
    /// CreateConnection would create it, after the caller is authorized on the project.
    ///
    /// An entry that fails (a missing field, a masked secret, a rule of CreateConnection, a name
    /// already taken) is reported in the outcome and the others are still imported, as the
    /// reference describes `Data.Status: false`. A masked secret is refused, not stored: the
    /// mask is not a secret, and a data source holding it could never connect.
    pub async fn import_data_sources(
        &self,
        caller: &Caller,
        project_id: i64,
        data_sources: &str,
    ) -> Result<ImportOutcome, DomainError> {
        let entries: Vec<Map<String, Value>> = serde_json::from_str(data_sources.trim())
            .map_err(|_| DomainError::invalid("DataSources", "must be a JSON array of objects"))?;
        if entries.len() > MAX_IMPORT_ENTRIES {
            return Err(DomainError::invalid(
                "DataSources",
                format!("holds more than {MAX_IMPORT_ENTRIES} data sources"),
            ));
        }
        let access = self
            .store
            .project_access(caller.user_id, project_id)
            .await
            .map_err(|e| internal("ImportDataSources", e))?;
        authorize_project(&access, true)?;
        let mut outcome = ImportOutcome::default();
        for (i, entry) in entries.iter().enumerate() {
            let label = match text_field(entry, "Name") {
                Some(name) => format!("DataSources[{i}] ({name:?})"),
                None => format!("DataSources[{i}]"),
            };
            let create = match import_entry(project_id, entry) {
                Ok(create) => create,
                Err(reason) => {
                    outcome.failures.push(format!("{label}: {reason}"));
                    continue;
                }
            };
            if let Ok(map) = content::parse(&create.content) {
                let masked = content::masked_secret_keys(&map);
                if !masked.is_empty() {
                    outcome.failures.push(format!(
                        "{label}: Content holds masked secrets ({}); give the secret values",
                        masked.join(", ")
                    ));
                    continue;
                }
            }
            match self.create_connection(caller, create).await {
                Ok(id) => outcome.imported.push(id),
                Err(DomainError::InvalidParameter { name, reason }) => outcome
                    .failures
                    .push(format!("{label}: {name} is not valid: {reason}")),
                Err(DomainError::ContentPropertyMissing { reason, .. }) => outcome
                    .failures
                    .push(format!("{label}: Content is not valid: {reason}")),
                Err(DomainError::NameConflict { env_type, .. }) => outcome.failures.push(format!(
                    "{label}: a data source with this name already exists in env type {env_type}"
                )),
                // Authorization changed under the import, or storage failed: stop here.
                Err(other) => return Err(other),
            }
        }
        Ok(outcome)
    }

    /// SetDataSourceShare: replaces with whom the named data source (in one environment, or in
    /// both) is shared. Every receiver must be in the data source's tenant: a project that is
    /// not there (or deleted, or the data source's own), or a user who is not a member of the
    /// project named with it, refuses the whole request (`applied: false`, nothing changed),
    /// with the same words whether it exists elsewhere or not.
    pub async fn set_data_source_share(
        &self,
        caller: &Caller,
        input: SetDataSourceShare,
    ) -> Result<ShareOutcome, DomainError> {
        let envs: Vec<i32> = match input.env_type.as_deref().map(str::trim) {
            None | Some("") => vec![0, 1],
            Some("0") => vec![0],
            Some("1") => vec![1],
            Some(_) => {
                return Err(DomainError::invalid(
                    "EnvType",
                    "must be \"0\" (development) or \"1\" (production)",
                ))
            }
        };
        let name = input.datasource_name.trim();
        if name.is_empty() {
            return Err(DomainError::invalid("DatasourceName", "must not be empty"));
        }
        let requested = parse_shares(&input)?;
        let mut records = Vec::new();
        for env_type in envs {
            let (access, record) = self
                .store
                .find_connection_by_name(caller.user_id, input.project_id, name, env_type)
                .await
                .map_err(|e| internal("SetDataSourceShare", e))?;
            authorize_project(&access, true)?;
            records.extend(record);
        }
        let Some(first) = records.first() else {
            return Err(DomainError::ConnectionNotExists);
        };
        let tenant_id = first.tenant_id;
        let source_project = self
            .store
            .get_project(input.project_id)
            .await
            .map_err(|e| internal("SetDataSourceShare", e))?
            .ok_or(DomainError::ProjectNotExists)?;
        let tenant_users: Vec<i64> = self
            .store
            .list_users(Some(tenant_id))
            .await
            .map_err(|e| internal("SetDataSourceShare", e))?
            .into_iter()
            .map(|u| u.id)
            .collect();
        let mut shares = Vec::new();
        for share in &requested {
            let target = self
                .store
                .get_project(share.project_id)
                .await
                .map_err(|e| internal("SetDataSourceShare", e))?
                .filter(|p| p.tenant_id == tenant_id && !p.deleted && p.id != source_project.id);
            let Some(target) = target else {
                return Ok(ShareOutcome {
                    applied: false,
                    message: format!(
                        "project {} is not another project of this tenant",
                        share.project_id
                    ),
                });
            };
            let members: Vec<i64> = if share.users.is_empty() {
                Vec::new()
            } else {
                self.store
                    .list_members(target.id)
                    .await
                    .map_err(|e| internal("SetDataSourceShare", e))?
                    .into_iter()
                    .map(|m| m.user_id)
                    .collect()
            };
            let shared_name = share
                .shared_name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| format!("{}.{name}", source_project.name));
            for (user_id, permission) in &share.users {
                if !members.contains(user_id) || !tenant_users.contains(user_id) {
                    return Ok(ShareOutcome {
                        applied: false,
                        message: format!(
                            "user {user_id} is not a member of project {}",
                            share.project_id
                        ),
                    });
                }
                for record in &records {
                    shares.push(ShareRecord {
                        connection_id: record.id,
                        tenant_id,
                        project_id: target.id,
                        user_id: *user_id,
                        permission: *permission,
                        shared_name: shared_name.clone(),
                    });
                }
            }
            if share.users.is_empty() {
                for record in &records {
                    shares.push(ShareRecord {
                        connection_id: record.id,
                        tenant_id,
                        project_id: target.id,
                        user_id: 0,
                        permission: share.permission,
                        shared_name: shared_name.clone(),
                    });
                }
            }
        }
        let ids: Vec<i64> = records.iter().map(|r| r.id).collect();
        self.store
            .replace_shares(&ids, &shares, OffsetDateTime::now_utc())
            .await
            .map_err(|e| internal("SetDataSourceShare", e))?;
        Ok(ShareOutcome {
            applied: true,
            message: String::new(),
        })
    }
}
