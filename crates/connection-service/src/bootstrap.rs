//! First start: on an empty database, create a default tenant, project, owner and AccessKey,
//! so that the server is usable with no setup, and print the AccessKey once.

use crate::access_keys::{generate_id, generate_secret, SecretString};
use crate::crypto::Cipher;
use crate::store::{BootstrapSeed, Store, StoreError};

/// Names used for the default rows.
pub const DEFAULT_TENANT: &str = "default";
/// Default project name.
pub const DEFAULT_PROJECT: &str = "default";
/// Default owner's user name.
pub const DEFAULT_USER: &str = "admin";

/// What a first start created.
#[derive(Debug, Clone)]
pub struct Bootstrapped {
    /// Tenant id.
    pub tenant_id: i64,
    /// Project id (the `ProjectId` to use).
    pub project_id: i64,
    /// Owner's user name.
    pub user_name: String,
    /// AccessKey id.
    pub access_key_id: String,
    /// AccessKey secret (redacted in Debug); print it once, with [`Bootstrapped::banner`].
    pub access_key_secret: SecretString,
}

/// Creates the defaults when the database has no tenant; `None` otherwise.
pub async fn bootstrap(
    store: &dyn Store,
    cipher: &Cipher,
) -> Result<Option<Bootstrapped>, StoreError> {
    let access_key_id = generate_id();
    let secret = generate_secret();
    let seed = BootstrapSeed {
        tenant_name: DEFAULT_TENANT.to_owned(),
        project_name: DEFAULT_PROJECT.to_owned(),
        user_name: DEFAULT_USER.to_owned(),
        access_key_id: access_key_id.clone(),
        sealed_secret: cipher.seal(secret.expose()),
    };
    Ok(store
        .bootstrap_if_empty(&seed)
        .await?
        .map(|ids| Bootstrapped {
            tenant_id: ids.tenant_id,
            project_id: ids.project_id,
            user_name: seed.user_name,
            access_key_id,
            access_key_secret: secret,
        }))
}

impl Bootstrapped {
    /// The text printed once on first start: the three `Key=value` lines, then a ready-to-paste
    /// Python SDK example (curl cannot sign requests, so none is given).
    pub fn banner(&self, listen: &str, region: &str) -> String {
        let (host, port) = reachable_address(listen);
        format!(
            "ProjectId={project}\n\
             AccessKeyId={id}\n\
             AccessKeySecret={secret}\n\
             \n\
             The AccessKey secret is shown only this once. Try it with the official Python SDK:\n\
             \n\
             pip install alibabacloud-dataworks-public20200518\n\
             python3 - <<'PY'\n\
             from alibabacloud_tea_openapi.models import Config\n\
             from alibabacloud_dataworks_public20200518.client import Client\n\
             from alibabacloud_dataworks_public20200518 import models\n\
             client = Client(Config(access_key_id=\"{id}\",\n\
             \x20                      access_key_secret=\"{secret}\",\n\
             \x20                      endpoint=\"{host}:{port}\", protocol=\"http\", region_id=\"{region}\"))\n\
             print(client.list_connections(models.ListConnectionsRequest(project_id={project})).body)\n\
             PY\n",
            project = self.project_id,
            id = self.access_key_id,
            secret = self.access_key_secret.expose(),
        )
    }
}

/// The host and port a local user types to reach a server listening on `listen` (an unspecified
/// address becomes `127.0.0.1`).
pub fn reachable_address(listen: &str) -> (&str, &str) {
    match listen.rsplit_once(':') {
        Some((h, p)) => (
            match h {
                "0.0.0.0" | "[::]" | "::" => "127.0.0.1",
                other => other,
            },
            p,
        ),
        None => (listen, "8080"),
    }
}

/// The line that tells where the API Explorer is, e.g.
/// `API Explorer (sign and send requests in your browser): http://127.0.0.1:8080/explorer`.
pub fn explorer_line(listen: &str) -> String {
    let (host, port) = reachable_address(listen);
    format!(
        "API Explorer (sign and send requests in your browser): http://{host}:{port}{}\n",
        crate::explorer::PATH
    )
}
