//! Credentials from the environment (its own test binary: it changes process-wide variables, so
//! nothing else may run beside it).

mod support;

use std::sync::Arc;

use dataworks_client::*;
use support::*;

#[tokio::test]
async fn credentials_come_from_the_environment_when_none_are_given() {
    let api = Arc::new(FakeApi::default());
    let addr = serve(Arc::clone(&api)).await;
    let endpoint = format!("http://{addr}");

    std::env::remove_var(ENV_ACCESS_KEY_ID);
    std::env::remove_var(ENV_ACCESS_KEY_SECRET);
    std::env::remove_var(ENV_SECURITY_TOKEN);
    let err = Client::builder().endpoint(&endpoint).build().unwrap_err();
    assert!(matches!(err, BuildError::MissingCredentials), "{err}");
    assert!(err.to_string().contains("ALIBABA_CLOUD_ACCESS_KEY_ID"));

    std::env::set_var(ENV_ACCESS_KEY_ID, KEY_ID);
    std::env::set_var(ENV_ACCESS_KEY_SECRET, SECRET);
    let client = Client::builder().endpoint(&endpoint).build().unwrap();
    client
        .list_connections(ListConnectionsRequest::new(PROJECT_ID))
        .await
        .unwrap();

    // With an STS token, explicitly read.
    std::env::set_var(ENV_ACCESS_KEY_ID, STS_KEY_ID);
    std::env::set_var(ENV_SECURITY_TOKEN, STS_TOKEN);
    let client = Client::builder()
        .endpoint(&endpoint)
        .credentials_from_env()
        .unwrap()
        .build()
        .unwrap();
    client
        .list_connections(ListConnectionsRequest::new(PROJECT_ID))
        .await
        .unwrap();
    // Explicit credentials win over the environment.
    let explicit = Client::builder()
        .endpoint(&endpoint)
        .access_key(KEY_ID, SECRET)
        .build()
        .unwrap();
    assert_eq!(explicit.access_key_id(), KEY_ID);
    explicit
        .list_connections(ListConnectionsRequest::new(PROJECT_ID))
        .await
        .unwrap();

    std::env::remove_var(ENV_ACCESS_KEY_ID);
    std::env::remove_var(ENV_ACCESS_KEY_SECRET);
    std::env::remove_var(ENV_SECURITY_TOKEN);
    assert_eq!(
        *api.principals.lock().unwrap(),
        ["alice", "alice-sts", "alice"]
    );
}
