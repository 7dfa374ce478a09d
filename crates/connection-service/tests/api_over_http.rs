//! The connection service end to end: `app(..)` served over real loopback HTTP, called with the
//! GENERATED client, on SQLite and on PostgreSQL. Every operation in every client mode, every
//! documented error code as its typed variant with the request id, paging, secrets, concurrency,
//! metrics and health.

mod api_support;
mod common;

use std::collections::HashSet;
use std::sync::Arc;

use api_support::{postgresql_content, Served, MODES};
use common::mysql_content;
use connection_service::content::{self, MASK};
use dataworks_client::*;

const RESOURCE_GROUP: &str = "S_res_group_1";

/// Unwraps an API error into (typed code, HTTP status, request id), failing on anything else.
fn api<E: std::fmt::Debug>(result: Result<impl std::fmt::Debug, Error<E>>) -> (E, u16, String) {
    match result {
        Err(Error::Api {
            error,
            http_status,
            request_id,
            ..
        }) => {
            assert!(
                !request_id.is_empty(),
                "an error answer carries its request id"
            );
            (error, http_status, request_id)
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// The stored (decrypted) password of connection `id`, read through the store and the cipher.
async fn stored_password(s: &Served, id: i64) -> String {
    let rec =
        s.h.store
            .connection_access(s.w.owner.user_id, id)
            .await
            .unwrap()
            .connection
            .unwrap();
    content::unsealed(&rec.content, &s.h.cipher).unwrap()["password"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn list_all(client: &Client, project: i64) -> ListConnectionsData {
    client
        .list_connections(ListConnectionsRequest::new(project).page_size(100))
        .await
        .unwrap()
        .into_body()
        .data
}

async fn every_operation_in_every_mode(s: &Served) {
    let reachable = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let open = reachable.local_addr().unwrap();
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let mut request_ids = HashSet::new();
    for (signature, format) in MODES {
        let mode = format!("{signature:?}/{format:?}");
        let client = s.client_in("alice", signature, format);
        let name = format!("pg-{signature:?}-{format:?}").to_lowercase();
        let created = client
            .create_connection(
                CreateConnectionRequest::new(
                    s.w.project,
                    name.as_str(),
                    ConnectionType::Postgresql,
                    postgresql_content(open, "pw-mode"),
                    1,
                )
                .description("first"),
            )
            .await
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
        assert!(
            created.success && created.http_status_code == "200",
            "{mode}"
        );
        assert!(
            request_ids.insert(created.request_id().to_owned()),
            "{mode}"
        );
        assert_eq!(created.body().request_id, created.request_id());
        let id = created.data;

        let updated = client
            .update_connection(
                UpdateConnectionRequest::new(id, postgresql_content(open, "pw-mode"), 1)
                    .description(format!("changed in {mode}")),
            )
            .await
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
        assert!(updated.data && updated.success, "{mode}");
        assert!(request_ids.insert(updated.request_id().to_owned()));

        let listed = client
            .list_connections(
                ListConnectionsRequest::new(s.w.project)
                    .name(name.as_str())
                    .page_size(20),
            )
            .await
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
        assert!(request_ids.insert(listed.request_id().to_owned()));
        assert_eq!(listed.http_status_code, 200);
        let page = &listed.data;
        assert_eq!(
            (page.page_number, page.page_size, page.total_count),
            (1, 20, 1),
            "{mode}"
        );
        let c = &page.connections[0];
        assert_eq!((c.id, c.name.as_str()), (id, name.as_str()), "{mode}");
        assert_eq!((c.project_id, c.tenant_id), (s.w.project, s.w.tenant_a));
        assert_eq!(c.connection_type, "postgresql");
        assert_eq!(c.description, format!("changed in {mode}"));
        assert_eq!((c.env_type, c.status), (1, 1), "{mode}");
        assert_eq!(c.operator, "alice");
        assert!(c.content.contains(MASK) && !c.content.contains("pw-mode"));

        let tested = client
            .test_network_connection(TestNetworkConnectionRequest::new(
                s.w.project,
                name.as_str(),
                "1",
                RESOURCE_GROUP,
            ))
            .await
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
        assert!(tested.success, "{mode}");
        assert!(
            tested.task_list.connect_status,
            "{mode}: {}",
            tested.task_list.connect_message
        );
        assert!(request_ids.insert(tested.request_id().to_owned()));
        let after = client
            .list_connections(ListConnectionsRequest::new(s.w.project).name(name.as_str()))
            .await
            .unwrap();
        assert_eq!(after.data.connections[0].connect_status, 1, "recorded");

        // Pointed at a closed port, the probe answers (successfully) that it cannot connect.
        client
            .update_connection(UpdateConnectionRequest::new(
                id,
                postgresql_content(closed, MASK),
                1,
            ))
            .await
            .unwrap();
        let refused = client
            .test_network_connection(TestNetworkConnectionRequest::new(
                s.w.project,
                name.as_str(),
                "1",
                RESOURCE_GROUP,
            ))
            .await
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
        assert!(!refused.task_list.connect_status, "{mode}");
        assert!(!refused.task_list.connect_message.is_empty());
        assert_eq!(
            s.h.store
                .connection_access(s.w.owner.user_id, id)
                .await
                .unwrap()
                .connection
                .unwrap()
                .version,
            3,
            "{mode}: create + two updates"
        );
        assert_eq!(stored_password(s, id).await, "pw-mode");

        let deleted = client
            .delete_connection(DeleteConnectionRequest::new(id))
            .await
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
        assert!(deleted.data && deleted.http_status_code == "200", "{mode}");
        assert!(request_ids.insert(deleted.request_id().to_owned()));
        let gone = client
            .list_connections(ListConnectionsRequest::new(s.w.project).name(name.as_str()))
            .await
            .unwrap();
        assert_eq!(gone.data.total_count, 0, "{mode}");
        assert!(gone.data.connections.is_empty());
    }
    drop(reachable);
}

async fn documented_errors_are_typed_with_the_request_id(s: &Served) {
    let w = &s.w;
    let owner = s.client("alice");
    let id = owner
        .create_connection(CreateConnectionRequest::new(
            w.project,
            "target",
            ConnectionType::Mysql,
            mysql_content("pw-1"),
            0,
        ))
        .await
        .unwrap()
        .data;
    let mut ids = HashSet::new();
    let mut seen = |request_id: String| assert!(ids.insert(request_id), "request ids are unique");
    for (signature, format) in MODES {
        let mode = format!("{signature:?}/{format:?}");
        let as_user = |user: &str| s.client_in(user, signature, format);
        let create = |name: &str| {
            CreateConnectionRequest::new(
                w.project,
                name,
                ConnectionType::Mysql,
                mysql_content("pw"),
                0,
            )
        };
        let update = || UpdateConnectionRequest::new(id, mysql_content("pw-2"), 0);
        let list = || ListConnectionsRequest::new(w.project);
        let test = || TestNetworkConnectionRequest::new(w.project, "target", "0", RESOURCE_GROUP);

        // A user in no tenant.
        let nomad = as_user("nomad");
        let (e, st, rid) = api(nomad.create_connection(create("n")).await);
        assert!(
            matches!(e, CreateConnectionError::InvalidTenantUserNotInTenant),
            "{mode}: {e:?}"
        );
        assert_eq!(st, 403);
        seen(rid);
        let (e, st, rid) = api(nomad.update_connection(update()).await);
        assert!(matches!(
            e,
            UpdateConnectionError::InvalidTenantUserNotInTenant
        ));
        assert_eq!(st, 403);
        seen(rid);
        let (e, _, rid) = api(nomad.list_connections(list()).await);
        assert!(matches!(
            e,
            ListConnectionsError::InvalidTenantUserNotInTenant
        ));
        seen(rid);
        let (e, _, rid) = api(nomad
            .delete_connection(DeleteConnectionRequest::new(id))
            .await);
        assert!(matches!(
            e,
            DeleteConnectionError::InvalidTenantUserNotInTenant
        ));
        seen(rid);
        let (e, _, rid) = api(nomad.test_network_connection(test()).await);
        assert!(matches!(
            e,
            TestNetworkConnectionError::InvalidTenantUserNotInTenant
        ));
        seen(rid);

        // A member of the tenant but not of the project.
        let olga = as_user("olga");
        let (e, st, rid) = api(olga.create_connection(create("o")).await);
        assert!(matches!(
            e,
            CreateConnectionError::InvalidTenantUserNotInProject
        ));
        assert_eq!(st, 400);
        seen(rid);
        let (e, _, rid) = api(olga.update_connection(update()).await);
        assert!(matches!(
            e,
            UpdateConnectionError::InvalidTenantUserNotInProject
        ));
        seen(rid);
        let (e, _, rid) = api(olga.list_connections(list()).await);
        assert!(matches!(
            e,
            ListConnectionsError::InvalidTenantUserNotInProject
        ));
        seen(rid);
        let (e, _, rid) = api(olga
            .delete_connection(DeleteConnectionRequest::new(id))
            .await);
        assert!(matches!(
            e,
            DeleteConnectionError::InvalidTenantUserNotInProject
        ));
        seen(rid);
        let (e, _, rid) = api(olga.test_network_connection(test()).await);
        assert!(matches!(
            e,
            TestNetworkConnectionError::InvalidTenantUserNotInProject
        ));
        seen(rid);

        // Developers and visitors read but do not change.
        for user in ["dave", "vera"] {
            let c = as_user(user);
            let (e, st, rid) = api(c.create_connection(create("d")).await);
            assert!(
                matches!(
                    e,
                    CreateConnectionError::InvalidTenantUserIsNotProjectOwnerOrAdmin
                ),
                "{mode} {user}: {e:?}"
            );
            assert_eq!(st, 403);
            seen(rid);
            let (e, st, rid) = api(c.update_connection(update()).await);
            assert!(matches!(
                e,
                UpdateConnectionError::InvalidTenantUserIsNotProjectOwnerOrAdmin
            ));
            assert_eq!(st, 403);
            seen(rid);
            let (e, _, rid) = api(c.delete_connection(DeleteConnectionRequest::new(id)).await);
            assert!(matches!(
                e,
                DeleteConnectionError::InvalidTenantUserIsNotProjectOwnerOrAdmin
            ));
            seen(rid);
            assert_eq!(
                c.list_connections(list()).await.unwrap().data.total_count,
                1
            );
            // Reachability is not asserted: the mysql Content names an instance, not an address.
            c.test_network_connection(test()).await.unwrap();
        }

        // Connections that do not exist, and other tenants' connections, are the same.
        let alice = as_user("alice");
        let missing = id + 10_000;
        let (e, st, rid) = api(alice
            .update_connection(UpdateConnectionRequest::new(missing, mysql_content("x"), 0))
            .await);
        assert!(matches!(
            e,
            UpdateConnectionError::InvalidTenantConnectionNotExists
        ));
        assert_eq!(st, 400);
        seen(rid);
        let (e, _, rid) = api(alice
            .delete_connection(DeleteConnectionRequest::new(missing))
            .await);
        assert!(matches!(
            e,
            DeleteConnectionError::InvalidTenantConnectionNotExists
        ));
        seen(rid);
        let (e, _, rid) = api(alice
            .test_network_connection(TestNetworkConnectionRequest::new(
                w.project,
                "no-such-name",
                "0",
                RESOURCE_GROUP,
            ))
            .await);
        assert!(matches!(
            e,
            TestNetworkConnectionError::InvalidTenantConnectionNotExists
        ));
        seen(rid);
        let boris = as_user("boris");
        let (e, _, rid) = api(boris.update_connection(update()).await);
        assert!(
            matches!(e, UpdateConnectionError::InvalidTenantConnectionNotExists),
            "cross-tenant update: {e:?}"
        );
        seen(rid);
        let (e, _, rid) = api(boris
            .delete_connection(DeleteConnectionRequest::new(id))
            .await);
        assert!(matches!(
            e,
            DeleteConnectionError::InvalidTenantConnectionNotExists
        ));
        seen(rid);
        // Each tenant's projects do not exist for the other, and List never crosses.
        let (e, _, rid) = api(boris.list_connections(list()).await);
        assert!(matches!(
            e,
            ListConnectionsError::InvalidTenantProjectNotExists
        ));
        seen(rid);
        let theirs = boris
            .list_connections(ListConnectionsRequest::new(w.other_project).page_size(100))
            .await
            .unwrap();
        assert!(
            theirs.data.connections.iter().all(|c| c.id != id),
            "{mode}: tenant B sees A's connection"
        );
        let (e, _, rid) = api(alice
            .list_connections(ListConnectionsRequest::new(w.other_project))
            .await);
        assert!(matches!(
            e,
            ListConnectionsError::InvalidTenantProjectNotExists
        ));
        seen(rid);

        // A name is unique per project and environment.
        let (e, st, rid) = api(alice.create_connection(create("target")).await);
        assert!(
            matches!(e, CreateConnectionError::InvalidDataSourceNameDuplicate),
            "{mode}: {e:?}"
        );
        assert_eq!(st, 400);
        seen(rid);

        // Domain checks of parameter values name the parameter.
        let bad_content = |content: &str| {
            CreateConnectionRequest::new(w.project, "bad", ConnectionType::Mysql, content, 0)
        };
        for (content, why) in [
            ("not json", "Content is not JSON"),
            ("[1,2]", "Content is not an object"),
            (r#"{"username":"u"}"#, "password is missing"),
        ] {
            let (e, st, rid) = api(alice.create_connection(bad_content(content)).await);
            match e {
                CreateConnectionError::InvalidParameter { message } => {
                    assert!(message.contains("\"Content\""), "{mode} {why}: {message}");
                }
                other => panic!("{mode} {why}: {other:?}"),
            }
            assert_eq!(st, 400);
            seen(rid);
        }
        let (e, _, rid) = api(alice
            .update_connection(UpdateConnectionRequest::new(id, "{not json", 0))
            .await);
        assert!(
            matches!(&e, UpdateConnectionError::InvalidParameter { message } if message.contains("\"Content\"")),
            "{mode}: {e:?}"
        );
        seen(rid);
    }

    // A bad Status is refused by the client before sending, and by the server when sent anyway.
    let refused = owner
        .update_connection(UpdateConnectionRequest::new(id, mysql_content("x"), 0).status("PAUSED"))
        .await;
    assert!(matches!(refused, Err(Error::Invalid(_))), "{refused:?}");
    let content = mysql_content("x");
    let id_text = id.to_string();
    let (status, body) = s
        .raw(
            "alice",
            "UpdateConnection",
            &[
                ("ConnectionId", id_text.as_str()),
                ("Content", content.as_str()),
                ("EnvType", "0"),
                ("Status", "PAUSED"),
            ],
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["Code"], "InvalidParameter");
    assert!(
        body["Message"].as_str().unwrap().contains("\"Status\""),
        "{body}"
    );
    assert!(!body["RequestId"].as_str().unwrap().is_empty());

    // Testing a disabled connection is DataSourceStatus; enabling it again makes it testable.
    owner
        .update_connection(
            UpdateConnectionRequest::new(id, mysql_content(MASK), 0).status("DISABLED"),
        )
        .await
        .unwrap();
    let tester = TestNetworkConnectionRequest::new(s.w.project, "target", "0", RESOURCE_GROUP);
    for format in [Format::Json, Format::Xml] {
        let (e, st, rid) = api(owner
            .with_format(format)
            .test_network_connection(tester.clone())
            .await);
        match e {
            TestNetworkConnectionError::InvalidDataSourceDataSourceStatus { message } => {
                assert!(message.contains("DISABLED"), "{message}");
            }
            other => panic!("{format:?}: {other:?}"),
        }
        assert_eq!(st, 400);
        seen(rid);
    }
    owner
        .update_connection(UpdateConnectionRequest::new(id, mysql_content(MASK), 0).status("1"))
        .await
        .unwrap();
    owner.test_network_connection(tester).await.unwrap();

    // A soft-deleted project no longer exists, for its connections too.
    s.h.admin.delete_project(s.w.project).await.unwrap();
    for format in [Format::Json, Format::Xml] {
        let c = owner.with_format(format);
        let (e, st, rid) = api(c
            .create_connection(CreateConnectionRequest::new(
                w.project,
                "late",
                ConnectionType::Mysql,
                mysql_content("pw"),
                0,
            ))
            .await);
        assert!(matches!(
            e,
            CreateConnectionError::InvalidTenantProjectNotExists
        ));
        assert_eq!(st, 400);
        seen(rid);
        let (e, _, rid) = api(c
            .update_connection(UpdateConnectionRequest::new(id, mysql_content("x"), 0))
            .await);
        assert!(
            matches!(e, UpdateConnectionError::InvalidTenantProjectNotExists),
            "{e:?}"
        );
        seen(rid);
        let (e, _, rid) = api(c
            .list_connections(ListConnectionsRequest::new(w.project))
            .await);
        assert!(matches!(
            e,
            ListConnectionsError::InvalidTenantProjectNotExists
        ));
        seen(rid);
        let (e, _, rid) = api(c.delete_connection(DeleteConnectionRequest::new(id)).await);
        assert!(matches!(
            e,
            DeleteConnectionError::InvalidTenantProjectNotExists
        ));
        seen(rid);
        let (e, _, rid) = api(c
            .test_network_connection(TestNetworkConnectionRequest::new(
                w.project,
                "target",
                "0",
                RESOURCE_GROUP,
            ))
            .await);
        assert!(matches!(
            e,
            TestNetworkConnectionError::InvalidTenantProjectNotExists
        ));
        seen(rid);
    }
}

async fn paging_edges(s: &Served) {
    let alice = Arc::new(s.client("alice"));
    const N: i32 = 12;
    for i in 0..N {
        alice
            .create_connection(CreateConnectionRequest::new(
                s.w.project,
                format!("c{i:02}"),
                ConnectionType::Mysql,
                mysql_content("pw"),
                i % 2,
            ))
            .await
            .unwrap();
    }
    let all = list_all(&alice, s.w.project).await;
    assert_eq!(
        (all.page_number, all.page_size, all.total_count),
        (1, 100, N)
    );
    let seqs: Vec<i32> = all.connections.iter().map(|c| c.sequence).collect();
    assert_eq!(
        seqs,
        (1..=N).rev().collect::<Vec<_>>(),
        "Sequence descending"
    );
    assert_eq!(all.connections[0].name, "c11");

    let one = alice
        .list_connections(ListConnectionsRequest::new(s.w.project).page_size(1))
        .await
        .unwrap();
    assert_eq!((one.data.page_size, one.data.total_count), (1, N));
    assert_eq!(one.data.connections.len(), 1);
    assert_eq!(one.data.connections[0].sequence, N);
    let last = alice
        .list_connections(
            ListConnectionsRequest::new(s.w.project)
                .page_size(1)
                .page_number(N),
        )
        .await
        .unwrap();
    assert_eq!(last.data.connections[0].sequence, 1);

    // Pages of 5 cover everything once, in order; the page after the end is empty.
    let mut paged = Vec::new();
    for page in 1..=3 {
        let p = alice
            .with_format(Format::Xml)
            .list_connections(
                ListConnectionsRequest::new(s.w.project)
                    .page_size(5)
                    .page_number(page),
            )
            .await
            .unwrap();
        assert_eq!((p.data.page_number, p.data.total_count), (page, N));
        paged.extend(p.into_body().data.connections.into_iter().map(|c| c.id));
    }
    assert_eq!(
        paged,
        all.connections.iter().map(|c| c.id).collect::<Vec<_>>()
    );
    for format in [Format::Json, Format::Xml] {
        let past = alice
            .with_format(format)
            .list_connections(
                ListConnectionsRequest::new(s.w.project)
                    .page_size(5)
                    .page_number(4),
            )
            .await
            .unwrap();
        assert!(past.data.connections.is_empty(), "{format:?}");
        assert_eq!(
            (past.data.page_number, past.data.total_count),
            (4, N),
            "{format:?}"
        );
    }
    // Filters keep TotalCount about the filtered set.
    let dev = alice
        .list_connections(
            ListConnectionsRequest::new(s.w.project)
                .env_type(0)
                .page_size(2),
        )
        .await
        .unwrap();
    assert_eq!((dev.data.total_count, dev.data.connections.len()), (6, 2));
    assert!(dev.data.connections.iter().all(|c| c.env_type == 0));
    // Out of range page sizes: refused by the client, and by the server when sent anyway.
    let refused = alice
        .list_connections(ListConnectionsRequest::new(s.w.project).page_size(101))
        .await;
    assert!(matches!(refused, Err(Error::Invalid(_))), "{refused:?}");
    let project = s.w.project.to_string();
    for size in ["0", "101"] {
        let (status, body) = s
            .raw(
                "alice",
                "ListConnections",
                &[("ProjectId", project.as_str()), ("PageSize", size)],
            )
            .await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["Code"], "InvalidParameter");
        assert!(body["Message"].as_str().unwrap().contains("PageSize"));
    }
}

async fn secrets_are_masked_and_kept(s: &Served) {
    let alice = s.client("alice");
    let planted = "PLANTED-http-pw-51d2";
    let id = alice
        .create_connection(CreateConnectionRequest::new(
            s.w.project,
            "vault",
            ConnectionType::Mysql,
            mysql_content(planted),
            0,
        ))
        .await
        .unwrap()
        .data;
    let oss = serde_json::json!({
        "bucket": "b", "endpoint": "http://oss.example", "accessId": "ak-id",
        "accessKey": "PLANTED-http-ak-77c0",
    })
    .to_string();
    alice
        .create_connection(CreateConnectionRequest::new(
            s.w.project,
            "bucket",
            ConnectionType::Oss,
            oss,
            0,
        ))
        .await
        .unwrap();
    for (signature, format) in MODES {
        let page = list_all(&s.client_in("vera", signature, format), s.w.project).await;
        for c in &page.connections {
            assert!(
                !c.content.contains("PLANTED"),
                "{signature:?}/{format:?}: {}",
                c.content
            );
            let shown: serde_json::Value = serde_json::from_str(&c.content).unwrap();
            let key = if c.name == "vault" {
                "password"
            } else {
                "accessKey"
            };
            assert_eq!(shown[key], MASK, "{}", c.content);
        }
        // The raw answer text too (not only what the client decoded).
        let project = s.w.project.to_string();
        let (_, body) = s
            .raw(
                "vera",
                "ListConnections",
                &[("ProjectId", project.as_str())],
            )
            .await;
        assert!(!body.to_string().contains("PLANTED"), "{body}");
    }
    // The masked Content sent back keeps the stored secret; other fields change.
    let vault = list_all(&alice, s.w.project)
        .await
        .connections
        .into_iter()
        .find(|c| c.name == "vault")
        .unwrap();
    let mut masked: serde_json::Value = serde_json::from_str(&vault.content).unwrap();
    masked["database"] = "db2".into();
    alice
        .update_connection(
            UpdateConnectionRequest::new(id, masked.to_string(), 0).description("masked back"),
        )
        .await
        .unwrap();
    assert_eq!(stored_password(s, id).await, planted);
    let after = list_all(&alice, s.w.project)
        .await
        .connections
        .into_iter()
        .find(|c| c.id == id)
        .unwrap();
    let shown: serde_json::Value = serde_json::from_str(&after.content).unwrap();
    assert_eq!(
        (shown["database"].as_str(), shown["password"].as_str()),
        (Some("db2"), Some(MASK))
    );
    assert_eq!(after.description, "masked back");
    // A new password replaces it.
    alice
        .with_format(Format::Xml)
        .update_connection(UpdateConnectionRequest::new(
            id,
            mysql_content("rotated-pw"),
            0,
        ))
        .await
        .unwrap();
    assert_eq!(stored_password(s, id).await, "rotated-pw");
}

async fn concurrent_updates_over_http(s: &Served) {
    let alice = s.client("alice");
    let id = alice
        .create_connection(CreateConnectionRequest::new(
            s.w.project,
            "hot",
            ConnectionType::Mysql,
            mysql_content("pw-hot"),
            0,
        ))
        .await
        .unwrap()
        .data;
    const N: usize = 16;
    let mut tasks = Vec::new();
    for i in 0..N {
        // Half the writers send the mask back, half a password of their own; two modes mixed.
        let (signature, format) = MODES[i % MODES.len()];
        let client = s.client_in(if i % 2 == 0 { "alice" } else { "bob" }, signature, format);
        let password = if i % 4 == 0 {
            MASK.to_owned()
        } else {
            format!("pw-{i}")
        };
        tasks.push(tokio::spawn(async move {
            client
                .update_connection(
                    UpdateConnectionRequest::new(id, mysql_content(&password), 0)
                        .description(format!("writer-{i}")),
                )
                .await
        }));
    }
    for (i, t) in futures::future::join_all(tasks)
        .await
        .into_iter()
        .enumerate()
    {
        let answer = t.unwrap().unwrap_or_else(|e| panic!("writer {i}: {e}"));
        assert!(answer.data);
    }
    let rec =
        s.h.store
            .connection_access(s.w.owner.user_id, id)
            .await
            .unwrap()
            .connection
            .unwrap();
    assert_eq!(rec.version, N as i64 + 1, "every update applied once");
    let winner: usize = rec
        .description
        .strip_prefix("writer-")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{:?}", rec.description));
    assert!(winner < N);
    let password = stored_password(s, id).await;
    if winner % 4 == 0 {
        assert!(
            password == "pw-hot" || password.starts_with("pw-"),
            "{password}"
        );
    } else {
        assert_eq!(
            password,
            format!("pw-{winner}"),
            "Content and Description of one writer"
        );
    }
    let listed = list_all(&alice, s.w.project).await;
    assert_eq!(listed.connections[0].description, rec.description);
    let operator = &listed.connections[0].operator;
    assert_eq!(operator, if winner % 2 == 0 { "alice" } else { "bob" });
}

async fn metrics_and_health(s: &Served) {
    assert_eq!(s.get("/healthz").await.0, 200);
    assert_eq!(s.get("/readyz").await.0, 200);
    let alice = s.client("alice");
    alice
        .create_connection(CreateConnectionRequest::new(
            s.w.project,
            "m",
            ConnectionType::Mysql,
            mysql_content("pw"),
            0,
        ))
        .await
        .unwrap();
    alice
        .list_connections(ListConnectionsRequest::new(s.w.project))
        .await
        .unwrap();
    let _ = s
        .client("olga")
        .list_connections(ListConnectionsRequest::new(s.w.project))
        .await
        .unwrap_err();
    let wrong = api_support::client_for(
        &s.endpoint(),
        &s.key("alice").0,
        "not-the-secret",
        SignatureVersion::V3,
        Format::Json,
    );
    let _ = wrong
        .delete_connection(DeleteConnectionRequest::new(1))
        .await
        .unwrap_err();
    let (status, text) = s.get("/metrics").await;
    assert_eq!(status, 200);
    let counter = |action: &str, code: &str| {
        text.lines().any(|l| {
            l.starts_with("dataworks_requests_total{")
                && l.contains(&format!("action=\"{action}\""))
                && l.contains(&format!("code=\"{code}\""))
                && l.trim_end().ends_with(" 1")
        })
    };
    assert!(counter("CreateConnection", "Success"), "{text}");
    assert!(counter("ListConnections", "Success"), "{text}");
    assert!(
        counter("ListConnections", "Invalid.Tenant.UserNotInProject"),
        "{text}"
    );
    assert!(
        counter("DeleteConnection", "SignatureDoesNotMatch"),
        "{text}"
    );
    assert!(
        text.contains("dataworks_request_duration_seconds"),
        "{text}"
    );
}

/// Project decision (crates/connection-service/README.md, "Undeclared parameters"): a parameter
/// an operation does not declare is ignored, as Alibaba Cloud's RPC gateway does, for GET and
/// POST, V3 and v1; it is signed like any other (changing it after signing is still refused).
async fn undeclared_parameters_are_ignored(s: &Served) {
    let (id, secret) = s.key("alice");
    let credentials = Credentials::new(id, secret);
    let host = s.addr.to_string();
    let project = s.w.project.to_string();
    let call = |method: reqwest::Method, scheme, params: Vec<(&'static str, String)>| {
        let credentials = credentials.clone();
        let host = host.clone();
        async move {
            let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
            api_support::raw_call_with(
                method,
                &host,
                &credentials,
                scheme,
                "ListConnections",
                &params,
            )
            .await
        }
    };
    let plain = vec![("ProjectId", project.clone())];
    let (status, expected) = call(reqwest::Method::GET, SignatureVersion::V3, plain).await;
    assert_eq!(status, 200, "{expected}");
    for method in [reqwest::Method::GET, reqwest::Method::POST] {
        for scheme in [SignatureVersion::V3, SignatureVersion::V1] {
            let extra = vec![
                ("ProjectId", project.clone()),
                // What SDKs add to every operation, a misspelling, and a made-up name.
                ("RegionId", "cn-shanghai".to_owned()),
                ("PageSiz", "1000".to_owned()),
                ("NotAParameter", "\u{1F600} x".to_owned()),
            ];
            let (status, body) = call(method.clone(), scheme, extra).await;
            assert_eq!(status, 200, "{method} {scheme:?}: {body}");
            assert_eq!(body["Success"], true, "{body}");
            // Ignored: the answer is the one without them (PageSize stays its default of 10).
            assert_eq!(body["Data"], expected["Data"], "{method} {scheme:?}");
        }
    }
}

served_on_both_backends!(
    undeclared_parameters_are_ignored,
    every_operation_in_every_mode,
    documented_errors_are_typed_with_the_request_id,
    paging_edges,
    secrets_are_masked_and_kept,
    concurrent_updates_over_http,
    metrics_and_health,
);
