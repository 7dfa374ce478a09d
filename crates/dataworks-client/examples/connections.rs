//! Creates, updates, lists and deletes a connection against the server the environment names:
//!
//! ```text
//! DATAWORKS_ENDPOINT=http://127.0.0.1:8080 \
//! ALIBABA_CLOUD_ACCESS_KEY_ID=... ALIBABA_CLOUD_ACCESS_KEY_SECRET=... \
//! DATAWORKS_PROJECT_ID=10000 \
//! cargo run -p dataworks-client --example connections
//! ```
//!
//! `DATAWORKS_ENDPOINT` may also be a bare region (`cn-shanghai`) for Alibaba Cloud itself.
//! Optional: `DATAWORKS_SIGNATURE=v1` for HMAC-SHA1 signatures, `DATAWORKS_FORMAT=xml`.

use std::error::Error as StdError;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use dataworks_client::{
    Client, ConnectionType, CreateConnectionRequest, DeleteConnectionRequest, Format,
    ListConnectionsRequest, SignatureVersion, UpdateConnectionRequest,
};

fn env(name: &str) -> Result<String, Box<dyn StdError>> {
    std::env::var(name).map_err(|_| format!("set {name} (see the top of this file)").into())
}

#[tokio::main]
pub async fn main() -> Result<(), Box<dyn StdError>> {
    let endpoint = env("DATAWORKS_ENDPOINT")?;
    let project_id: i64 = env("DATAWORKS_PROJECT_ID")?
        .parse()
        .map_err(|_| "DATAWORKS_PROJECT_ID must be a number")?;
    let mut builder = Client::builder().timeout(Duration::from_secs(30));
    // A URL or host is an endpoint; a bare region name picks the region's public endpoint.
    builder = if endpoint.contains("://") || endpoint.contains('.') || endpoint.contains(':') {
        builder.endpoint(endpoint)
    } else {
        builder.region(endpoint)
    };
    if std::env::var("DATAWORKS_SIGNATURE").is_ok_and(|v| v.eq_ignore_ascii_case("v1")) {
        builder = builder.signature_version(SignatureVersion::V1);
    }
    if std::env::var("DATAWORKS_FORMAT").is_ok_and(|v| v.eq_ignore_ascii_case("xml")) {
        builder = builder.format(Format::Xml);
    }
    // Credentials: ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET (and _SECURITY_TOKEN), read by build().
    let client = builder.build()?;
    println!("endpoint {}", client.endpoint());

    let stamp = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let name = format!("example_{stamp}");
    let content = r#"{"jdbcUrl":"jdbc:postgresql://db.example:5432/app","username":"app","password":"example-password","tag":"public"}"#;

    let created = client
        .create_connection(
            CreateConnectionRequest::new(project_id, &name, ConnectionType::Postgresql, content, 0)
                .description("created by the dataworks-client example"),
        )
        .await?;
    let id = created.data;
    println!("created {name} as {id} (request {})", created.request_id());

    let updated = client
        .update_connection(
            UpdateConnectionRequest::new(id, content, 0)
                .description("updated by the dataworks-client example")
                .status("ENABLED"),
        )
        .await?;
    println!(
        "updated {id}: {} (request {})",
        updated.data,
        updated.request_id()
    );

    let listed = client
        .list_connections(ListConnectionsRequest::new(project_id).name(&name))
        .await?;
    println!(
        "listed {} of {} (request {})",
        listed.data.connections.len(),
        listed.data.total_count,
        listed.request_id()
    );
    for connection in &listed.data.connections {
        // Secrets in Content come back masked.
        println!(
            "  {} {} [{}] env {} status {}: {}",
            connection.id,
            connection.name,
            connection.connection_type,
            connection.env_type,
            connection.status,
            connection.description
        );
    }

    let deleted = client
        .delete_connection(DeleteConnectionRequest::new(id))
        .await?;
    println!(
        "deleted {id}: {} (request {})",
        deleted.data,
        deleted.request_id()
    );
    Ok(())
}
