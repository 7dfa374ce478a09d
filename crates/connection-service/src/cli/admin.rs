//! `dataworks-server admin ...`.

use clap::Subcommand;

use super::{master_key, settings, Cli};
use crate::admin::Admin;
use crate::crypto::Cipher;
use crate::domain::Role;
use crate::store;

/// Admin tasks.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Tenants.
    #[command(subcommand, alias = "tenant")]
    Tenants(TenantCommand),
    /// Projects.
    #[command(subcommand, alias = "project")]
    Projects(ProjectCommand),
    /// Users.
    #[command(subcommand, alias = "user")]
    Users(UserCommand),
    /// Project memberships.
    #[command(subcommand, alias = "member")]
    Members(MemberCommand),
    /// AccessKeys.
    #[command(subcommand, name = "access-key", alias = "access-keys")]
    AccessKey(AccessKeyCommand),
}

/// `admin tenants`.
#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Create a tenant.
    Create {
        /// Unique name.
        name: String,
    },
    /// List tenants.
    List,
}

/// `admin projects`.
#[derive(Debug, Subcommand)]
pub enum ProjectCommand {
    /// Create a project in a tenant.
    Create {
        /// Tenant id or name.
        #[arg(long)]
        tenant: String,
        /// Name, unique in the tenant.
        name: String,
    },
    /// List projects.
    List {
        /// Only this tenant's (id or name).
        #[arg(long)]
        tenant: Option<String>,
    },
    /// Delete a project (its connections then answer ProjectNotExists).
    Delete {
        /// Project id.
        #[arg(long)]
        id: i64,
    },
}

/// `admin users`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user in a tenant.
    Create {
        /// Tenant id or name.
        #[arg(long)]
        tenant: String,
        /// Unique name.
        name: String,
    },
    /// List users.
    List {
        /// Only this tenant's (id or name).
        #[arg(long)]
        tenant: Option<String>,
    },
}

/// `admin members`.
#[derive(Debug, Subcommand)]
pub enum MemberCommand {
    /// Add a member, or change a member's role.
    Add {
        /// Project id.
        #[arg(long)]
        project: i64,
        /// User name (or id).
        #[arg(long)]
        user: String,
        /// owner, admin, developer or visitor.
        #[arg(long)]
        role: Role,
    },
    /// List a project's members.
    List {
        /// Project id.
        #[arg(long)]
        project: i64,
    },
    /// Remove a member.
    Remove {
        /// Project id.
        #[arg(long)]
        project: i64,
        /// User name (or id).
        #[arg(long)]
        user: String,
    },
}

/// `admin access-key`.
#[derive(Debug, Subcommand)]
pub enum AccessKeyCommand {
    /// Create an AccessKey; the secret is printed once.
    Create {
        /// Owner's user name (or id).
        #[arg(long)]
        user: String,
        /// Print exactly `{"AccessKeyId": "...", "AccessKeySecret": "..."}`.
        #[arg(long)]
        json: bool,
    },
    /// List AccessKeys (never their secrets).
    List {
        /// Only this user's.
        #[arg(long)]
        user: Option<String>,
    },
    /// Disable (revoke) an AccessKey: requests signed with it are refused from the next one on,
    /// by every running server (PostgreSQL: LISTEN/NOTIFY; SQLite: a marker file beside the database).
    #[command(visible_alias = "revoke")]
    Disable {
        /// AccessKey id.
        id: String,
    },
    /// Enable a disabled AccessKey.
    Enable {
        /// AccessKey id.
        id: String,
    },
    /// Delete an AccessKey.
    Delete {
        /// AccessKey id.
        id: String,
    },
}

/// Runs an admin task, printing results to stdout.
pub async fn run(cli: &Cli, command: &AdminCommand) -> Result<(), String> {
    let settings = settings(cli, &super::ServeArgs::default())?;
    let key = master_key(&settings)?;
    let store = store::open(&settings.database, &settings.store)
        .await
        .map_err(|e| format!("opening the database: {e}"))?;
    let admin = Admin::new(store, Cipher::new(&key));
    let e = |e: crate::admin::AdminError| e.to_string();
    match command {
        AdminCommand::Tenants(TenantCommand::Create { name }) => {
            let t = admin.create_tenant(name).await.map_err(e)?;
            println!("TenantId={}", t.id);
        }
        AdminCommand::Tenants(TenantCommand::List) => {
            println!("ID\tNAME");
            for t in admin.list_tenants().await.map_err(e)? {
                println!("{}\t{}", t.id, t.name);
            }
        }
        AdminCommand::Projects(ProjectCommand::Create { tenant, name }) => {
            let p = admin.create_project(tenant, name).await.map_err(e)?;
            println!("ProjectId={}", p.id);
        }
        AdminCommand::Projects(ProjectCommand::List { tenant }) => {
            println!("ID\tTENANT\tNAME\tSTATE");
            for p in admin.list_projects(tenant.as_deref()).await.map_err(e)? {
                let state = if p.deleted { "deleted" } else { "live" };
                println!("{}\t{}\t{}\t{state}", p.id, p.tenant_id, p.name);
            }
        }
        AdminCommand::Projects(ProjectCommand::Delete { id }) => {
            admin.delete_project(*id).await.map_err(e)?;
            println!("deleted project {id}");
        }
        AdminCommand::Users(UserCommand::Create { tenant, name }) => {
            let u = admin.create_user(tenant, name).await.map_err(e)?;
            println!("UserId={}", u.id);
        }
        AdminCommand::Users(UserCommand::List { tenant }) => {
            println!("ID\tTENANT\tNAME");
            for u in admin.list_users(tenant.as_deref()).await.map_err(e)? {
                let tenant = u
                    .tenant_id
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "-".into());
                println!("{}\t{tenant}\t{}", u.id, u.name);
            }
        }
        AdminCommand::Members(MemberCommand::Add {
            project,
            user,
            role,
        }) => {
            let m = admin.add_member(*project, user, *role).await.map_err(e)?;
            println!("{} is {} of project {}", m.user_name, m.role, m.project_id);
        }
        AdminCommand::Members(MemberCommand::List { project }) => {
            println!("USER_ID\tUSER\tROLE");
            for m in admin.list_members(*project).await.map_err(e)? {
                println!("{}\t{}\t{}", m.user_id, m.user_name, m.role);
            }
        }
        AdminCommand::Members(MemberCommand::Remove { project, user }) => {
            admin.remove_member(*project, user).await.map_err(e)?;
            println!("removed {user} from project {project}");
        }
        AdminCommand::AccessKey(AccessKeyCommand::Create { user, json }) => {
            let k = admin.create_access_key(user).await.map_err(e)?;
            if *json {
                let body = serde_json::json!({
                    "AccessKeyId": k.id,
                    "AccessKeySecret": k.secret.expose(),
                });
                println!(
                    "{{\"AccessKeyId\": {}, \"AccessKeySecret\": {}}}",
                    body["AccessKeyId"], body["AccessKeySecret"]
                );
            } else {
                println!("AccessKeyId={}", k.id);
                println!("AccessKeySecret={}", k.secret.expose());
            }
        }
        AdminCommand::AccessKey(AccessKeyCommand::List { user }) => {
            println!("ID\tUSER\tSTATE");
            for k in admin.list_access_keys(user.as_deref()).await.map_err(e)? {
                let state = if k.active { "active" } else { "disabled" };
                println!("{}\t{}\t{state}", k.id, k.user_name);
            }
        }
        AdminCommand::AccessKey(AccessKeyCommand::Disable { id }) => {
            admin.set_access_key_active(id, false).await.map_err(e)?;
            println!("disabled {id}");
        }
        AdminCommand::AccessKey(AccessKeyCommand::Enable { id }) => {
            admin.set_access_key_active(id, true).await.map_err(e)?;
            println!("enabled {id}");
        }
        AdminCommand::AccessKey(AccessKeyCommand::Delete { id }) => {
            admin.delete_access_key(id).await.map_err(e)?;
            println!("deleted {id}");
        }
    }
    Ok(())
}
