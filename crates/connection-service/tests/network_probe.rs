//! TestNetworkConnection against real sockets on loopback, on SQLite and PostgreSQL.

mod common;

use std::time::Duration;

use common::{mysql, Harness};
use connection_service::domain::{
    CreateConnection, DomainError, ListConnections, TestNetworkConnection, UpdateConnection,
};
use connection_service::network::{DenyList, ProbeConfig, DEFAULT_DENY};

fn jdbc(project: i64, name: &str, host_port: &str) -> CreateConnection {
    CreateConnection {
        connection_type: "postgresql".into(),
        content: serde_json::json!({
            "jdbcUrl": format!("jdbc:postgresql://{host_port}/db"),
            "username": "u",
            "password": "p",
        })
        .to_string(),
        ..mysql(project, name, 0)
    }
}

fn test_of(project: i64, name: &str) -> TestNetworkConnection {
    TestNetworkConnection {
        project_id: project,
        datasource_name: name.into(),
        env_type: "0".into(),
        resource_group: "default".into(),
    }
}

async fn closed_port() -> u16 {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    port
}

async fn reachable_closed_and_denied(h: &Harness) {
    let w = h.world().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let open = listener.local_addr().unwrap();
    let accept = tokio::spawn(async move { listener.accept().await.map(|_| ()) });
    let closed = closed_port().await;
    let svc = &h.service;
    svc.create_connection(&w.owner, jdbc(w.project, "up", &open.to_string()))
        .await
        .unwrap();
    svc.create_connection(
        &w.owner,
        jdbc(w.project, "down", &format!("127.0.0.1:{closed}")),
    )
    .await
    .unwrap();
    svc.create_connection(&w.owner, jdbc(w.project, "metadata", "169.254.169.254:80"))
        .await
        .unwrap();
    svc.create_connection(
        &w.owner,
        jdbc(w.project, "alibaba-metadata", "100.100.100.200:80"),
    )
    .await
    .unwrap();
    let rds = CreateConnection {
        connection_type: "rds".into(),
        ..mysql(w.project, "instance-only", 0)
    };
    svc.create_connection(&w.owner, rds).await.unwrap();

    // Reading op: a visitor may test.
    let up = svc
        .test_network_connection(&w.visitor, test_of(w.project, "up"))
        .await
        .unwrap();
    assert!(up.connect_status, "{}", up.connect_message);
    tokio::time::timeout(Duration::from_secs(5), accept)
        .await
        .unwrap()
        .unwrap()
        .unwrap();

    let down = svc
        .test_network_connection(&w.developer, test_of(w.project, "down"))
        .await
        .unwrap();
    assert!(!down.connect_status);
    assert!(
        down.connect_message.contains(&closed.to_string()),
        "{}",
        down.connect_message
    );

    for name in ["metadata", "alibaba-metadata"] {
        let denied = svc
            .test_network_connection(&w.owner, test_of(w.project, name))
            .await
            .unwrap();
        assert!(!denied.connect_status);
        assert!(
            denied.connect_message.contains("not allowed"),
            "{}",
            denied.connect_message
        );
    }
    let none = svc
        .test_network_connection(&w.owner, test_of(w.project, "instance-only"))
        .await
        .unwrap();
    assert!(!none.connect_status);
    assert!(
        none.connect_message.contains("no network address"),
        "{}",
        none.connect_message
    );

    // The outcome is recorded as ConnectStatus (1 reached, 2 failed).
    let page = svc
        .list_connections(
            &w.owner,
            ListConnections {
                project_id: w.project,
                page_size: Some(100),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    for c in &page.connections {
        let want = if c.name == "up" { 1 } else { 2 };
        assert_eq!(c.connect_status, want, "{}", c.name);
        assert_eq!(c.version, 1, "a test does not change the row version");
    }

    // Errors: wrong env, unknown name, outsider, bad EnvType, disabled connection.
    let prod = TestNetworkConnection {
        env_type: "1".into(),
        ..test_of(w.project, "up")
    };
    assert!(matches!(
        svc.test_network_connection(&w.owner, prod).await,
        Err(DomainError::ConnectionNotExists)
    ));
    assert!(matches!(
        svc.test_network_connection(&w.owner, test_of(w.project, "nope"))
            .await,
        Err(DomainError::ConnectionNotExists)
    ));
    assert!(matches!(
        svc.test_network_connection(&w.outsider, test_of(w.project, "up"))
            .await,
        Err(DomainError::UserNotInProject)
    ));
    assert!(matches!(
        svc.test_network_connection(&w.b_owner, test_of(w.project, "up"))
            .await,
        Err(DomainError::ProjectNotExists)
    ));
    assert!(matches!(
        svc.test_network_connection(&w.homeless, test_of(w.project, "up"))
            .await,
        Err(DomainError::UserNotInTenant)
    ));
    let bad_env = TestNetworkConnection {
        env_type: "dev".into(),
        ..test_of(w.project, "up")
    };
    assert!(matches!(
        svc.test_network_connection(&w.owner, bad_env).await,
        Err(DomainError::InvalidParameter {
            name: "EnvType",
            ..
        })
    ));
    let up_id = page.connections.iter().find(|c| c.name == "up").unwrap().id;
    svc.update_connection(
        &w.owner,
        UpdateConnection {
            connection_id: up_id,
            content: page
                .connections
                .iter()
                .find(|c| c.name == "up")
                .unwrap()
                .content
                .clone(),
            env_type: 0,
            description: None,
            status: Some("DISABLED".into()),
        },
    )
    .await
    .unwrap();
    assert!(matches!(
        svc.test_network_connection(&w.owner, test_of(w.project, "up"))
            .await,
        Err(DomainError::DataSourceStatus)
    ));
}

on_both_backends!(reachable_closed_and_denied);

/// Names are resolved first and every address checked: `localhost` is refused when loopback is
/// denied, although the name itself matches no range.
#[tokio::test]
async fn resolved_addresses_are_checked() {
    let mut deny: Vec<&str> = DEFAULT_DENY.to_vec();
    deny.extend(["127.0.0.0/8", "::1/128"]);
    let probe = ProbeConfig {
        timeout: Duration::from_secs(2),
        deny: DenyList::parse(deny).unwrap(),
    };
    let h = Harness::sqlite_with(probe).await;
    let w = h.world().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    h.service
        .create_connection(
            &w.owner,
            jdbc(w.project, "local", &format!("localhost:{port}")),
        )
        .await
        .unwrap();
    let r = h
        .service
        .test_network_connection(&w.owner, test_of(w.project, "local"))
        .await
        .unwrap();
    assert!(!r.connect_status);
    assert!(
        r.connect_message.contains("not allowed"),
        "{}",
        r.connect_message
    );
}

/// A destination that never answers is given up after the configured timeout.
#[tokio::test]
async fn timeout_is_bounded() {
    let probe = ProbeConfig {
        timeout: Duration::from_millis(300),
        deny: DenyList::default(),
    };
    let target = connection_service::network::Target {
        host: "127.0.0.1".into(),
        port: closed_port().await,
    };
    let started = std::time::Instant::now();
    let outcome = connection_service::network::probe(&target, &probe).await;
    assert!(!outcome.reachable);
    assert!(started.elapsed() < Duration::from_secs(2));
    // An unresolvable name fails with a reason, within the budget too.
    let bad = connection_service::network::Target {
        host: "no-such-host.invalid".into(),
        port: 5432,
    };
    let outcome = connection_service::network::probe(&bad, &probe).await;
    assert!(!outcome.reachable);
    assert!(started.elapsed() < Duration::from_secs(5));
}
