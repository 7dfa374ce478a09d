//! Operator tasks behind `dataworks-server admin ...`: tenants, projects, users, memberships and
//! AccessKeys. Kept apart from the API's service because none of it is reachable over the wire.

use std::sync::Arc;

use crate::access_keys::{generate_id, generate_secret, SecretString};
use crate::crypto::Cipher;
use crate::domain::Role;
use crate::store::{
    AccessKeyRecord, MemberRecord, ProjectRecord, Store, StoreError, TenantRecord, UserRecord,
};

/// Why an admin task failed; messages are for the operator.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// Storage refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A referenced tenant/user/project does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// The request makes no sense (e.g. a member from another tenant).
    #[error("{0}")]
    Invalid(String),
}

/// A new AccessKey, shown once.
#[derive(Debug, Clone)]
pub struct NewAccessKey {
    /// Id.
    pub id: String,
    /// Secret (redacted in Debug).
    pub secret: SecretString,
    /// Owner.
    pub user_id: i64,
}

/// The admin operations.
#[derive(Clone)]
pub struct Admin {
    store: Arc<dyn Store>,
    cipher: Cipher,
}

impl std::fmt::Debug for Admin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Admin").finish_non_exhaustive()
    }
}

impl Admin {
    /// Admin over a store, sealing AccessKey secrets with `cipher`.
    pub fn new(store: Arc<dyn Store>, cipher: Cipher) -> Self {
        Self { store, cipher }
    }

    /// A tenant by id (all digits) or name.
    pub async fn tenant(&self, reference: &str) -> Result<TenantRecord, AdminError> {
        let tenants = self.store.list_tenants().await?;
        let by_id = reference.parse::<i64>().ok();
        tenants
            .into_iter()
            .find(|t| Some(t.id) == by_id || t.name == reference)
            .ok_or_else(|| AdminError::NotFound(format!("tenant {reference:?}")))
    }

    /// A user by name, or by id when all digits and no user has that name.
    pub async fn user(&self, reference: &str) -> Result<UserRecord, AdminError> {
        if let Some(u) = self.store.find_user(reference).await? {
            return Ok(u);
        }
        if let Ok(id) = reference.parse::<i64>() {
            if let Some(u) = self
                .store
                .list_users(None)
                .await?
                .into_iter()
                .find(|u| u.id == id)
            {
                return Ok(u);
            }
        }
        Err(AdminError::NotFound(format!("user {reference:?}")))
    }

    /// A live project by id.
    pub async fn project(&self, project_id: i64) -> Result<ProjectRecord, AdminError> {
        match self.store.get_project(project_id).await? {
            Some(p) if !p.deleted => Ok(p),
            _ => Err(AdminError::NotFound(format!("project {project_id}"))),
        }
    }

    /// Creates a tenant.
    pub async fn create_tenant(&self, name: &str) -> Result<TenantRecord, AdminError> {
        Ok(self
            .store
            .create_tenant(non_blank(name, "tenant name")?)
            .await?)
    }

    /// All tenants.
    pub async fn list_tenants(&self) -> Result<Vec<TenantRecord>, AdminError> {
        Ok(self.store.list_tenants().await?)
    }

    /// Creates a project in a tenant (by id or name).
    pub async fn create_project(
        &self,
        tenant: &str,
        name: &str,
    ) -> Result<ProjectRecord, AdminError> {
        let tenant = self.tenant(tenant).await?;
        Ok(self
            .store
            .create_project(tenant.id, non_blank(name, "project name")?)
            .await?)
    }

    /// Projects, of one tenant or all.
    pub async fn list_projects(
        &self,
        tenant: Option<&str>,
    ) -> Result<Vec<ProjectRecord>, AdminError> {
        let tenant_id = match tenant {
            Some(t) => Some(self.tenant(t).await?.id),
            None => None,
        };
        Ok(self.store.list_projects(tenant_id).await?)
    }

    /// Soft-deletes a project.
    pub async fn delete_project(&self, project_id: i64) -> Result<(), AdminError> {
        if self.store.delete_project(project_id).await? {
            Ok(())
        } else {
            Err(AdminError::NotFound(format!("project {project_id}")))
        }
    }

    /// Creates a user in a tenant (by id or name).
    pub async fn create_user(&self, tenant: &str, name: &str) -> Result<UserRecord, AdminError> {
        let tenant = self.tenant(tenant).await?;
        Ok(self
            .store
            .create_user(Some(tenant.id), non_blank(name, "user name")?)
            .await?)
    }

    /// Users, of one tenant or all.
    pub async fn list_users(&self, tenant: Option<&str>) -> Result<Vec<UserRecord>, AdminError> {
        let tenant_id = match tenant {
            Some(t) => Some(self.tenant(t).await?.id),
            None => None,
        };
        Ok(self.store.list_users(tenant_id).await?)
    }

    /// Adds a member (or changes the role); the user must be in the project's tenant.
    pub async fn add_member(
        &self,
        project_id: i64,
        user: &str,
        role: Role,
    ) -> Result<MemberRecord, AdminError> {
        let project = self.project(project_id).await?;
        let user = self.user(user).await?;
        if user.tenant_id != Some(project.tenant_id) {
            return Err(AdminError::Invalid(format!(
                "user {:?} is not in the project's tenant {}",
                user.name, project.tenant_id
            )));
        }
        self.store.put_member(project.id, user.id, role).await?;
        Ok(MemberRecord {
            project_id: project.id,
            user_id: user.id,
            user_name: user.name,
            role,
        })
    }

    /// A project's members.
    pub async fn list_members(&self, project_id: i64) -> Result<Vec<MemberRecord>, AdminError> {
        Ok(self.store.list_members(project_id).await?)
    }

    /// Removes a member.
    pub async fn remove_member(&self, project_id: i64, user: &str) -> Result<(), AdminError> {
        let user = self.user(user).await?;
        if self.store.remove_member(project_id, user.id).await? {
            Ok(())
        } else {
            Err(AdminError::NotFound(format!(
                "membership of {:?} in project {project_id}",
                user.name
            )))
        }
    }

    /// Creates an AccessKey for a user; the secret is returned once and stored sealed.
    pub async fn create_access_key(&self, user: &str) -> Result<NewAccessKey, AdminError> {
        let user = self.user(user).await?;
        let id = generate_id();
        let secret = generate_secret();
        self.store
            .create_access_key(user.id, &id, &self.cipher.seal(secret.expose()))
            .await?;
        Ok(NewAccessKey {
            id,
            secret,
            user_id: user.id,
        })
    }

    /// AccessKeys (secrets stay sealed), of one user or all.
    pub async fn list_access_keys(
        &self,
        user: Option<&str>,
    ) -> Result<Vec<AccessKeyRecord>, AdminError> {
        let user_id = match user {
            Some(u) => Some(self.user(u).await?.id),
            None => None,
        };
        Ok(self.store.list_access_keys(user_id).await?)
    }

    /// Disables (or re-enables) an AccessKey.
    pub async fn set_access_key_active(&self, id: &str, active: bool) -> Result<(), AdminError> {
        if self.store.set_access_key_active(id, active).await? {
            Ok(())
        } else {
            Err(AdminError::NotFound(format!("access key {id}")))
        }
    }

    /// Deletes an AccessKey.
    pub async fn delete_access_key(&self, id: &str) -> Result<(), AdminError> {
        if self.store.delete_access_key(id).await? {
            Ok(())
        } else {
            Err(AdminError::NotFound(format!("access key {id}")))
        }
    }
}

fn non_blank<'a>(value: &'a str, what: &str) -> Result<&'a str, AdminError> {
    let v = value.trim();
    if v.is_empty() {
        Err(AdminError::Invalid(format!("{what} must not be empty")))
    } else {
        Ok(v)
    }
}
