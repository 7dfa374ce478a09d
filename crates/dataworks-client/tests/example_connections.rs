//! `examples/connections.rs`, run as written against the generated router over loopback HTTP
//! (its own test binary: it sets the environment variables the example reads).

mod support;

#[path = "../examples/connections.rs"]
mod example;

use std::sync::Arc;

use support::*;

#[test]
fn the_example_creates_updates_lists_and_deletes_a_connection() {
    let server_runtime = tokio::runtime::Runtime::new().unwrap();
    let api = Arc::new(FakeApi::default());
    let addr = server_runtime.block_on(serve(Arc::clone(&api)));
    for signature in ["v3", "v1"] {
        std::env::set_var("DATAWORKS_ENDPOINT", format!("http://{addr}"));
        std::env::set_var("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID);
        std::env::set_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET);
        std::env::set_var("DATAWORKS_PROJECT_ID", PROJECT_ID.to_string());
        std::env::set_var("DATAWORKS_SIGNATURE", signature);
        example::main().unwrap_or_else(|e| panic!("{signature}: {e}"));
    }
    // Create, update, list, delete, twice; nothing left behind.
    assert_eq!(api.calls(), 8);
    let left = server_runtime.block_on(async {
        dataworks_client::Client::builder()
            .endpoint(format!("http://{addr}"))
            .access_key(KEY_ID, SECRET)
            .build()
            .unwrap()
            .list_connections(dataworks_client::ListConnectionsRequest::new(PROJECT_ID))
            .await
            .unwrap()
    });
    assert!(left.data.connections.is_empty());
}
