//! The storage + domain suite, run on SQLite and on PostgreSQL.

mod common;

use std::collections::HashSet;
use std::sync::Arc;

use common::{mysql, mysql_content, Harness};
use connection_service::access_keys::lookup_credential;
use connection_service::bootstrap::bootstrap;
use connection_service::content::{self, MASK};
use connection_service::domain::{
    Caller, ConnectionView, CreateConnection, DomainError, ListConnections, UpdateConnection,
};

fn list_all(project_id: i64) -> ListConnections {
    ListConnections {
        project_id,
        page_size: Some(100),
        ..ListConnections::default()
    }
}

async fn only(h: &Harness, caller: &Caller, project: i64) -> ConnectionView {
    let page = h
        .service
        .list_connections(caller, list_all(project))
        .await
        .unwrap();
    assert_eq!(page.connections.len(), 1);
    page.connections.into_iter().next().unwrap()
}

fn update(id: i64, content: String) -> UpdateConnection {
    UpdateConnection {
        connection_id: id,
        content,
        env_type: 0,
        description: None,
        status: None,
    }
}

fn stored_password(h: &Harness, stored_content: &str) -> String {
    content::unsealed(stored_content, &h.cipher).unwrap()["password"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn create_then_list_answers_every_field(h: &Harness) {
    let w = h.world().await;
    let id = h
        .service
        .create_connection(&w.owner, mysql(w.project, "orders", 1))
        .await
        .unwrap();
    let page = h
        .service
        .list_connections(&w.visitor, list_all(w.project))
        .await
        .unwrap();
    assert_eq!(
        (page.page_number, page.page_size, page.total_count),
        (1, 100, 1)
    );
    let c = &page.connections[0];
    assert_eq!(c.id, id);
    assert_eq!(c.name, "orders");
    assert_eq!((c.project_id, c.tenant_id), (w.project, w.tenant_a));
    assert_eq!(
        (c.connection_type.as_str(), c.sub_type.as_str()),
        ("mysql", "")
    );
    assert_eq!(c.description, "about orders");
    assert_eq!((c.env_type, c.status, c.connect_status), (1, 1, 0));
    assert_eq!((c.sequence, c.version), (1, 1));
    assert_eq!(c.operator, "alice");
    assert!(!c.shared && !c.default_engine);
    assert_eq!(c.binding_calc_engine_id, 0);
    let java = regex_like_java_time(&c.gmt_create);
    assert!(java, "GmtCreate {:?} is not Java-style", c.gmt_create);
    assert_eq!(c.gmt_create, c.gmt_modified);
    let shown: serde_json::Value = serde_json::from_str(&c.content).unwrap();
    assert_eq!(shown["password"], MASK);
    assert_eq!(shown["username"], "user");
    // rds with a sub-type keeps it.
    let rds = CreateConnection {
        connection_type: "rds".into(),
        sub_type: Some("postgresql".into()),
        ..mysql(w.project, "rds-pg", 0)
    };
    h.service.create_connection(&w.admin, rds).await.unwrap();
    let page = h
        .service
        .list_connections(&w.owner, list_all(w.project))
        .await
        .unwrap();
    assert_eq!(page.connections[0].sub_type, "postgresql");
    assert_eq!(page.connections[0].operator, "bob");
    assert_eq!(page.connections[0].sequence, 2);
}

/// `Mar 17, 2021 4:09:32 PM`
fn regex_like_java_time(s: &str) -> bool {
    let parts: Vec<&str> = s.split(' ').collect();
    parts.len() == 5
        && parts[0].len() == 3
        && parts[1].ends_with(',')
        && parts[2].len() == 4
        && parts[3].split(':').count() == 3
        && (parts[4] == "AM" || parts[4] == "PM")
}

async fn authorization_order_on_projects(h: &Harness) {
    let w = h.world().await;
    let create = |caller: Caller, project: i64| {
        let svc = h.service.clone();
        async move { svc.create_connection(&caller, mysql(project, "x", 0)).await }
    };
    assert!(matches!(
        create(w.homeless, w.project).await,
        Err(DomainError::UserNotInTenant)
    ));
    let ghost = Caller { user_id: 987_654 };
    assert!(matches!(
        create(ghost, w.project).await,
        Err(DomainError::UserNotInTenant)
    ));
    assert!(matches!(
        create(w.owner, 999_999).await,
        Err(DomainError::ProjectNotExists)
    ));
    // Another tenant's project does not exist for us.
    assert!(matches!(
        create(w.owner, w.other_project).await,
        Err(DomainError::ProjectNotExists)
    ));
    assert!(matches!(
        create(w.outsider, w.project).await,
        Err(DomainError::UserNotInProject)
    ));
    assert!(matches!(
        create(w.developer, w.project).await,
        Err(DomainError::UserIsNotProjectOwnerOrAdmin)
    ));
    assert!(matches!(
        create(w.visitor, w.project).await,
        Err(DomainError::UserIsNotProjectOwnerOrAdmin)
    ));
    assert!(create(w.admin, w.project).await.is_ok());
    // Reading needs membership only.
    for reader in [w.owner, w.admin, w.developer, w.visitor] {
        let page = h
            .service
            .list_connections(&reader, list_all(w.project))
            .await
            .unwrap();
        assert_eq!(page.total_count, 1);
    }
    let list = |caller: Caller, project: i64| {
        let svc = h.service.clone();
        async move { svc.list_connections(&caller, list_all(project)).await }
    };
    assert!(matches!(
        list(w.homeless, w.project).await,
        Err(DomainError::UserNotInTenant)
    ));
    assert!(matches!(
        list(w.owner, 424_242).await,
        Err(DomainError::ProjectNotExists)
    ));
    assert!(matches!(
        list(w.b_owner, w.project).await,
        Err(DomainError::ProjectNotExists)
    ));
    assert!(matches!(
        list(w.outsider, w.project).await,
        Err(DomainError::UserNotInProject)
    ));
    // A deleted project no longer exists.
    h.admin.delete_project(w.project).await.unwrap();
    assert!(matches!(
        create(w.owner, w.project).await,
        Err(DomainError::ProjectNotExists)
    ));
    assert!(matches!(
        list(w.owner, w.project).await,
        Err(DomainError::ProjectNotExists)
    ));
}

async fn authorization_order_on_connections(h: &Harness) {
    let w = h.world().await;
    let id = h
        .service
        .create_connection(&w.owner, mysql(w.project, "c", 0))
        .await
        .unwrap();
    let upd = |caller: Caller, id: i64| {
        let svc = h.service.clone();
        async move {
            svc.update_connection(&caller, update(id, mysql_content("new")))
                .await
        }
    };
    let del = |caller: Caller, id: i64| {
        let svc = h.service.clone();
        async move { svc.delete_connection(&caller, id).await }
    };
    for caller in [w.homeless, Caller { user_id: 555_555 }] {
        assert!(matches!(
            upd(caller, id).await,
            Err(DomainError::UserNotInTenant)
        ));
        assert!(matches!(
            del(caller, id).await,
            Err(DomainError::UserNotInTenant)
        ));
    }
    assert!(matches!(
        upd(w.owner, 777_777).await,
        Err(DomainError::ConnectionNotExists)
    ));
    assert!(matches!(
        del(w.owner, 777_777).await,
        Err(DomainError::ConnectionNotExists)
    ));
    assert!(matches!(
        upd(w.outsider, id).await,
        Err(DomainError::UserNotInProject)
    ));
    assert!(matches!(
        del(w.outsider, id).await,
        Err(DomainError::UserNotInProject)
    ));
    for caller in [w.developer, w.visitor] {
        assert!(matches!(
            upd(caller, id).await,
            Err(DomainError::UserIsNotProjectOwnerOrAdmin)
        ));
        assert!(matches!(
            del(caller, id).await,
            Err(DomainError::UserIsNotProjectOwnerOrAdmin)
        ));
    }
    // The masked (read-then-write) path checks in the same order.
    let masked = UpdateConnection {
        content: mysql_content(MASK),
        ..update(id, String::new())
    };
    assert!(matches!(
        h.service
            .update_connection(&w.visitor, masked.clone())
            .await,
        Err(DomainError::UserIsNotProjectOwnerOrAdmin)
    ));
    assert!(matches!(
        h.service
            .update_connection(&w.b_owner, masked.clone())
            .await,
        Err(DomainError::ConnectionNotExists)
    ));
    upd(w.admin, id).await.unwrap();
    h.service.update_connection(&w.owner, masked).await.unwrap();
    // Deleting the project leaves the connection, which now answers ProjectNotExists.
    h.admin.delete_project(w.project).await.unwrap();
    assert!(matches!(
        upd(w.owner, id).await,
        Err(DomainError::ProjectNotExists)
    ));
    assert!(matches!(
        del(w.owner, id).await,
        Err(DomainError::ProjectNotExists)
    ));
    assert!(matches!(
        h.service.get_connection(&w.owner, id).await,
        Err(DomainError::ProjectNotExists)
    ));
}

async fn tenants_never_see_each_other(h: &Harness) {
    let w = h.world().await;
    let a = h
        .service
        .create_connection(&w.owner, mysql(w.project, "same", 0))
        .await
        .unwrap();
    let b = h
        .service
        .create_connection(&w.b_owner, mysql(w.other_project, "same", 0))
        .await
        .unwrap();
    assert_ne!(a, b);
    // B's owner cannot reach A's connection by id, whatever the operation.
    assert!(matches!(
        h.service
            .update_connection(&w.b_owner, update(a, mysql_content("x")))
            .await,
        Err(DomainError::ConnectionNotExists)
    ));
    assert!(matches!(
        h.service.delete_connection(&w.b_owner, a).await,
        Err(DomainError::ConnectionNotExists)
    ));
    assert!(matches!(
        h.service.get_connection(&w.b_owner, a).await,
        Err(DomainError::ConnectionNotExists)
    ));
    assert!(matches!(
        h.service
            .list_connections(&w.b_owner, list_all(w.project))
            .await,
        Err(DomainError::ProjectNotExists)
    ));
    // And A's owner cannot reach B's.
    assert!(matches!(
        h.service.delete_connection(&w.owner, b).await,
        Err(DomainError::ConnectionNotExists)
    ));
    let mine = h
        .service
        .list_connections(&w.b_owner, list_all(w.other_project))
        .await
        .unwrap();
    assert_eq!(
        mine.connections.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![b]
    );
    assert_eq!(only(h, &w.owner, w.project).await.id, a);
}

async fn paging_edges(h: &Harness) {
    let w = h.world().await;
    for i in 0..25 {
        h.service
            .create_connection(&w.owner, mysql(w.project, &format!("conn-{i:02}"), 0))
            .await
            .unwrap();
    }
    let page = |number: Option<i32>, size: Option<i32>| {
        let svc = h.service.clone();
        let caller = w.visitor;
        let project = w.project;
        async move {
            svc.list_connections(
                &caller,
                ListConnections {
                    project_id: project,
                    page_number: number,
                    page_size: size,
                    ..ListConnections::default()
                },
            )
            .await
        }
    };
    let first = page(None, None).await.unwrap();
    assert_eq!(
        (first.page_number, first.page_size, first.total_count),
        (1, 10, 25)
    );
    assert_eq!(first.connections.len(), 10);
    let seqs: Vec<i64> = first.connections.iter().map(|c| c.sequence).collect();
    assert_eq!(
        seqs,
        (16..=25).rev().collect::<Vec<_>>(),
        "Sequence descending"
    );
    assert_eq!(first.connections[0].name, "conn-24");
    let third = page(Some(3), None).await.unwrap();
    assert_eq!(third.connections.len(), 5);
    assert_eq!(third.connections.last().unwrap().sequence, 1);
    let beyond = page(Some(4), None).await.unwrap();
    assert!(beyond.connections.is_empty());
    assert_eq!(
        beyond.total_count, 25,
        "TotalCount is known past the last page"
    );
    assert_eq!(
        page(Some(1), Some(100)).await.unwrap().connections.len(),
        25
    );
    assert_eq!(
        page(Some(25), Some(1)).await.unwrap().connections[0].sequence,
        1
    );
    assert_eq!(
        page(Some(i32::MAX), Some(100))
            .await
            .unwrap()
            .connections
            .len(),
        0
    );
    for (n, s, param) in [
        (Some(0), None, "PageNumber"),
        (Some(-1), None, "PageNumber"),
        (None, Some(0), "PageSize"),
        (None, Some(101), "PageSize"),
    ] {
        match page(n, s).await {
            Err(DomainError::InvalidParameter { name, .. }) => assert_eq!(name, param),
            other => panic!("{n:?}/{s:?}: {other:?}"),
        }
    }
}

async fn filters(h: &Harness) {
    let w = h.world().await;
    let svc = &h.service;
    svc.create_connection(&w.owner, mysql(w.project, "Orders-main", 0))
        .await
        .unwrap();
    svc.create_connection(&w.owner, mysql(w.project, "orders-backup", 1))
        .await
        .unwrap();
    let pg = CreateConnection {
        connection_type: "postgresql".into(),
        content: r#"{"jdbcUrl":"jdbc:postgresql://db:5432/x","username":"u","password":"p"}"#
            .into(),
        ..mysql(w.project, "warehouse", 0)
    };
    let pg_id = svc.create_connection(&w.owner, pg).await.unwrap();
    let rds = CreateConnection {
        connection_type: "rds".into(),
        sub_type: Some("sqlserver".into()),
        ..mysql(w.project, "legacy", 0)
    };
    svc.create_connection(&w.owner, rds).await.unwrap();
    svc.update_connection(
        &w.owner,
        UpdateConnection {
            content: r#"{"jdbcUrl":"jdbc:postgresql://db:5432/x","username":"u","password":"p"}"#
                .into(),
            status: Some("disabled".into()),
            ..update(pg_id, String::new())
        },
    )
    .await
    .unwrap();
    let names = |q: ListConnections| {
        let svc = h.service.clone();
        let caller = w.developer;
        async move {
            let mut v: Vec<String> = svc
                .list_connections(&caller, q)
                .await
                .unwrap()
                .connections
                .into_iter()
                .map(|c| c.name)
                .collect();
            v.sort();
            v
        }
    };
    let base = list_all(w.project);
    assert_eq!(
        names(ListConnections {
            name: Some("rders".into()),
            ..base.clone()
        })
        .await,
        vec!["Orders-main", "orders-backup"]
    );
    assert_eq!(
        names(ListConnections {
            name: Some("orders".into()),
            ..base.clone()
        })
        .await,
        vec!["orders-backup"],
        "case-sensitive"
    );
    assert_eq!(
        names(ListConnections {
            name: Some("%".into()),
            ..base.clone()
        })
        .await,
        Vec::<String>::new(),
        "no wildcards"
    );
    assert_eq!(
        names(ListConnections {
            connection_type: Some("postgresql".into()),
            ..base.clone()
        })
        .await,
        vec!["warehouse"]
    );
    assert_eq!(
        names(ListConnections {
            sub_type: Some("sqlserver".into()),
            ..base.clone()
        })
        .await,
        vec!["legacy"]
    );
    assert_eq!(
        names(ListConnections {
            status: Some("DISABLED".into()),
            ..base.clone()
        })
        .await,
        vec!["warehouse"]
    );
    assert_eq!(
        names(ListConnections {
            status: Some("2".into()),
            ..base.clone()
        })
        .await,
        vec!["warehouse"]
    );
    assert_eq!(
        names(ListConnections {
            status: Some("enabled".into()),
            ..base.clone()
        })
        .await
        .len(),
        3
    );
    assert_eq!(
        names(ListConnections {
            env_type: Some(1),
            ..base.clone()
        })
        .await,
        vec!["orders-backup"]
    );
    assert_eq!(
        names(ListConnections {
            env_type: Some(0),
            connection_type: Some("mysql".into()),
            ..base.clone()
        })
        .await,
        vec!["Orders-main"]
    );
    for (q, param) in [
        (
            ListConnections {
                status: Some("on".into()),
                ..base.clone()
            },
            "Status",
        ),
        (
            ListConnections {
                env_type: Some(2),
                ..base.clone()
            },
            "EnvType",
        ),
        (
            ListConnections {
                connection_type: Some("db2".into()),
                ..base.clone()
            },
            "ConnectionType",
        ),
    ] {
        match h.service.list_connections(&w.owner, q).await {
            Err(DomainError::InvalidParameter { name, .. }) => assert_eq!(name, param),
            other => panic!("{other:?}"),
        }
    }
}

async fn names_are_unique_per_project_and_env(h: &Harness) {
    let w = h.world().await;
    let svc = &h.service;
    let dev = svc
        .create_connection(&w.owner, mysql(w.project, "dup", 0))
        .await
        .unwrap();
    match svc
        .create_connection(&w.owner, mysql(w.project, "dup", 0))
        .await
    {
        Err(DomainError::NameConflict { name, env_type }) => {
            assert_eq!((name.as_str(), env_type), ("dup", 0))
        }
        other => panic!("{other:?}"),
    }
    // Same name in production, or in another tenant's project: fine.
    let prod = svc
        .create_connection(&w.owner, mysql(w.project, "dup", 1))
        .await
        .unwrap();
    svc.create_connection(&w.b_owner, mysql(w.other_project, "dup", 0))
        .await
        .unwrap();
    // Moving the development one to production collides.
    let moved = UpdateConnection {
        env_type: 1,
        ..update(dev, mysql_content("p"))
    };
    assert!(matches!(
        svc.update_connection(&w.owner, moved).await,
        Err(DomainError::NameConflict { .. })
    ));
    let moved_masked = UpdateConnection {
        env_type: 1,
        ..update(dev, mysql_content(MASK))
    };
    assert!(matches!(
        svc.update_connection(&w.owner, moved_masked).await,
        Err(DomainError::NameConflict { .. })
    ));
    // After deleting production, it can move.
    svc.delete_connection(&w.owner, prod).await.unwrap();
    svc.update_connection(
        &w.owner,
        UpdateConnection {
            env_type: 1,
            ..update(dev, mysql_content("p"))
        },
    )
    .await
    .unwrap();
    // A failed insert does not burn a sequence number visibly out of order.
    let next = svc
        .create_connection(&w.owner, mysql(w.project, "after", 0))
        .await
        .unwrap();
    let page = svc
        .list_connections(&w.owner, list_all(w.project))
        .await
        .unwrap();
    assert_eq!(page.connections[0].id, next);
    assert!(page.connections[0].sequence > page.connections[1].sequence);
}

async fn semantic_checks_name_the_parameter(h: &Harness) {
    let w = h.world().await;
    let svc = &h.service;
    let expect = |r: Result<i64, DomainError>, param: &str| match r {
        Err(DomainError::InvalidParameter { name, reason }) => {
            assert_eq!(name, param, "{reason}");
            assert!(
                !reason.contains("pw-secret-1"),
                "reasons never quote secrets"
            );
        }
        // A Content lacking a required key names the key too (the API answers it as
        // InvalidParameter naming Content, or MissingParam.ConnectionStr.Property).
        Err(DomainError::ContentPropertyMissing { property, reason }) if param == "Content" => {
            let first = property.split(" or ").next().unwrap_or_default();
            assert!(
                !first.is_empty() && reason.contains(first),
                "{property}: {reason}"
            );
            assert!(
                !reason.contains("pw-secret-1"),
                "reasons never quote secrets"
            );
        }
        other => panic!("{param}: {other:?}"),
    };
    let base = mysql(w.project, "n", 0);
    expect(
        svc.create_connection(
            &w.owner,
            CreateConnection {
                content: "[]".into(),
                ..base.clone()
            },
        )
        .await,
        "Content",
    );
    expect(
        svc.create_connection(
            &w.owner,
            CreateConnection {
                content: "not json".into(),
                ..base.clone()
            },
        )
        .await,
        "Content",
    );
    expect(
        svc.create_connection(
            &w.owner,
            CreateConnection {
                content: r#"{"username":"u","password":"pw-secret-1"}"#.into(),
                ..base.clone()
            },
        )
        .await,
        "Content",
    );
    expect(
        svc.create_connection(
            &w.owner,
            CreateConnection {
                sub_type: Some("mysql".into()),
                ..base.clone()
            },
        )
        .await,
        "SubType",
    );
    expect(
        svc.create_connection(
            &w.owner,
            CreateConnection {
                connection_type: "rds".into(),
                sub_type: Some("db2".into()),
                ..base.clone()
            },
        )
        .await,
        "SubType",
    );
    expect(
        svc.create_connection(
            &w.owner,
            CreateConnection {
                connection_type: "db2".into(),
                ..base.clone()
            },
        )
        .await,
        "ConnectionType",
    );
    expect(
        svc.create_connection(
            &w.owner,
            CreateConnection {
                env_type: 3,
                ..base.clone()
            },
        )
        .await,
        "EnvType",
    );
    expect(
        svc.create_connection(
            &w.owner,
            CreateConnection {
                name: "  ".into(),
                ..base.clone()
            },
        )
        .await,
        "Name",
    );
    let id = svc.create_connection(&w.owner, base).await.unwrap();
    let bad_status = UpdateConnection {
        status: Some("paused".into()),
        ..update(id, mysql_content("x"))
    };
    assert!(matches!(
        svc.update_connection(&w.owner, bad_status).await,
        Err(DomainError::InvalidParameter { name: "Status", .. })
    ));
    // Content valid for oss but not for this mysql connection: refused after authorization.
    let oss = r#"{"bucket":"b","endpoint":"http://oss.example","accessId":"a","accessKey":"k"}"#;
    assert!(matches!(
        svc.update_connection(&w.owner, update(id, oss.into()))
            .await,
        // A missing key of the stored type is named (the wire answers InvalidParameter naming
        // Content for UpdateConnection, MissingParam.ConnectionStr.Property for UpdateDataSource).
        Err(DomainError::ContentPropertyMissing { .. })
    ));
    assert!(matches!(
        svc.update_connection(&w.visitor, update(id, oss.into()))
            .await,
        Err(DomainError::UserIsNotProjectOwnerOrAdmin)
    ));
    let garbage = r#"{"nothing":"useful"}"#;
    assert!(matches!(
        svc.update_connection(&w.owner, update(id, garbage.into()))
            .await,
        // A missing key of the stored type is named (the wire answers InvalidParameter naming
        // Content for UpdateConnection, MissingParam.ConnectionStr.Property for UpdateDataSource).
        Err(DomainError::ContentPropertyMissing { .. })
    ));
    assert!(matches!(
        svc.update_connection(&w.owner, update(999_999, garbage.into()))
            .await,
        Err(DomainError::ConnectionNotExists)
    ));
    // A mask with nothing stored to keep is refused.
    let orphan = r#"{"database":"db","instanceName":"rm","username":"u","password":"pw","accessKey":"******"}"#;
    assert!(matches!(
        svc.update_connection(&w.owner, update(id, orphan.into()))
            .await,
        Err(DomainError::InvalidParameter {
            name: "Content",
            ..
        })
    ));
    assert_eq!(
        only(h, &w.owner, w.project).await.version,
        1,
        "nothing changed"
    );
}

async fn secrets_are_masked_and_kept(h: &Harness) {
    let w = h.world().await;
    let svc = &h.service;
    let id = svc
        .create_connection(&w.owner, mysql(w.project, "s", 0))
        .await
        .unwrap();
    let shown = only(h, &w.visitor, w.project).await;
    assert!(shown.content.contains(MASK) && !shown.content.contains("pw-secret-1"));
    // Sending the answer's Content back keeps the secret; description/status kept when absent.
    svc.update_connection(&w.admin, update(id, shown.content.clone()))
        .await
        .unwrap();
    let access = h
        .store
        .connection_access(w.owner.user_id, id)
        .await
        .unwrap();
    let rec = access.connection.unwrap();
    assert_eq!(stored_password(h, &rec.content), "pw-secret-1");
    assert_eq!(
        (rec.version, rec.description.as_str(), rec.status),
        (2, "about s", 1)
    );
    assert_eq!(rec.operator, "bob");
    // A new value replaces it; Status and Description change when given.
    let change = UpdateConnection {
        description: Some("rotated".into()),
        status: Some("DISABLED".into()),
        ..update(id, mysql_content("pw-rotated"))
    };
    svc.update_connection(&w.owner, change).await.unwrap();
    let rec = h
        .store
        .connection_access(w.owner.user_id, id)
        .await
        .unwrap()
        .connection
        .unwrap();
    assert_eq!(stored_password(h, &rec.content), "pw-rotated");
    assert_eq!(
        (rec.version, rec.description.as_str(), rec.status),
        (3, "rotated", 2)
    );
    assert!(rec.gmt_modified >= rec.gmt_create);
    let enable = UpdateConnection {
        status: Some("0".into()),
        ..update(id, mysql_content(MASK))
    };
    svc.update_connection(&w.owner, enable).await.unwrap();
    let view = svc.get_connection(&w.visitor, id).await.unwrap();
    assert_eq!((view.status, view.version), (1, 4));
    assert_eq!(
        stored_password(
            h,
            &h.store
                .connection_access(w.owner.user_id, id)
                .await
                .unwrap()
                .connection
                .unwrap()
                .content
        ),
        "pw-rotated"
    );
}

async fn concurrent_updates_lose_nothing(h: &Harness) {
    let w = h.world().await;
    let id = h
        .service
        .create_connection(&w.owner, mysql(w.project, "hot", 0))
        .await
        .unwrap();
    const N: usize = 24;
    let mut tasks = Vec::new();
    for i in 0..N {
        let svc = h.service.clone();
        let caller = if i % 2 == 0 { w.owner } else { w.admin };
        tasks.push(tokio::spawn(async move {
            // Half keep the secret through the mask (read + versioned write), half replace it
            // (one conditional statement).
            let password = if i % 3 == 0 {
                MASK.to_owned()
            } else {
                format!("pw-{i}")
            };
            let content = serde_json::json!({
                "database": "db", "instanceName": "rm", "username": "u",
                "password": password, "marker": i,
            })
            .to_string();
            svc.update_connection(
                &caller,
                UpdateConnection {
                    connection_id: id,
                    content,
                    env_type: 0,
                    description: Some(format!("writer-{i}")),
                    status: None,
                },
            )
            .await
        }));
    }
    for t in futures::future::join_all(tasks).await {
        t.unwrap().unwrap();
    }
    let rec = h
        .store
        .connection_access(w.owner.user_id, id)
        .await
        .unwrap()
        .connection
        .unwrap();
    assert_eq!(
        rec.version,
        N as i64 + 1,
        "every update applied exactly once"
    );
    let open = content::unsealed(&rec.content, &h.cipher).unwrap();
    let marker = open["marker"].as_u64().unwrap() as usize;
    assert_eq!(
        rec.description,
        format!("writer-{marker}"),
        "Content and Description from one writer"
    );
    let password = open["password"].as_str().unwrap();
    if marker % 3 == 0 {
        assert!(
            password == "pw-secret-1" || password.starts_with("pw-"),
            "{password}"
        );
    } else {
        assert_eq!(password, format!("pw-{marker}"));
    }
}

async fn secrets_are_encrypted_at_rest(h: &Harness) {
    let w = h.world().await;
    let planted_pw = "PLANTED-pw-7f3a9c1e";
    let create = CreateConnection {
        content: mysql_content(planted_pw),
        ..mysql(w.project, "vault", 0)
    };
    let id = h.service.create_connection(&w.owner, create).await.unwrap();
    let oss = CreateConnection {
        connection_type: "oss".into(),
        content: serde_json::json!({"bucket":"b","endpoint":"http://oss.example","accessId":"id","accessKey":"PLANTED-ak-55e1"}).to_string(),
        ..mysql(w.project, "bucket", 0)
    };
    h.service.create_connection(&w.owner, oss).await.unwrap();
    let key = h.admin.create_access_key("alice").await.unwrap();
    let planted_secret = key.secret.expose().to_owned();
    // Update through the mask too, so rewritten rows are covered.
    let masked = only_named(h, &w, "vault").await;
    h.service
        .update_connection(&w.owner, update(id, masked))
        .await
        .unwrap();
    let dump = h.raw_dump().await;
    for planted in [planted_pw, "PLANTED-ak-55e1", planted_secret.as_str()] {
        assert!(
            !contains(&dump, planted.as_bytes()),
            "{planted} found in the database"
        );
    }
    assert!(
        contains(&dump, b"enc:v1:"),
        "the dump did include the sealed values"
    );
    // Yet they are all recoverable with the key.
    let rec = h
        .store
        .connection_access(w.owner.user_id, id)
        .await
        .unwrap()
        .connection
        .unwrap();
    assert_eq!(stored_password(h, &rec.content), planted_pw);
    let cred = lookup_credential(h.store.as_ref(), &h.cipher, &key.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cred.secret.expose(), planted_secret);
}

async fn only_named(h: &Harness, w: &common::World, name: &str) -> String {
    let q = ListConnections {
        name: Some(name.into()),
        ..list_all(w.project)
    };
    h.service
        .list_connections(&w.owner, q)
        .await
        .unwrap()
        .connections
        .remove(0)
        .content
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|win| win == needle)
}

async fn access_keys_for_signature_checks(h: &Harness) {
    let w = h.world().await;
    let k = h.admin.create_access_key("dave").await.unwrap();
    let cred = lookup_credential(h.store.as_ref(), &h.cipher, &k.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cred.secret, k.secret);
    assert_eq!(
        (cred.user_id, cred.user_name.as_str(), cred.active),
        (w.developer.user_id, "dave", true)
    );
    assert!(
        !format!("{cred:?}").contains(k.secret.expose()),
        "Debug never shows the secret"
    );
    h.admin.set_access_key_active(&k.id, false).await.unwrap();
    assert!(
        !lookup_credential(h.store.as_ref(), &h.cipher, &k.id)
            .await
            .unwrap()
            .unwrap()
            .active
    );
    h.admin.set_access_key_active(&k.id, true).await.unwrap();
    assert!(
        lookup_credential(h.store.as_ref(), &h.cipher, &k.id)
            .await
            .unwrap()
            .unwrap()
            .active
    );
    let listed = h.admin.list_access_keys(Some("dave")).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(!format!("{listed:?}").contains("enc:v1:"));
    h.admin.delete_access_key(&k.id).await.unwrap();
    assert!(lookup_credential(h.store.as_ref(), &h.cipher, &k.id)
        .await
        .unwrap()
        .is_none());
    assert!(lookup_credential(h.store.as_ref(), &h.cipher, "LTAInope")
        .await
        .unwrap()
        .is_none());
    assert!(h.admin.delete_access_key(&k.id).await.is_err());
}

async fn admin_rules(h: &Harness) {
    let w = h.world().await;
    assert!(
        h.admin.create_tenant("tenant-a").await.is_err(),
        "tenant names are unique"
    );
    assert!(
        h.admin.create_user("tenant-b", "alice").await.is_err(),
        "user names are unique"
    );
    assert!(h.admin.create_project("nope", "x").await.is_err());
    // A user of tenant B cannot join a project of tenant A.
    assert!(h
        .admin
        .add_member(w.project, "boris", connection_service::domain::Role::Admin)
        .await
        .is_err());
    // Promoting a developer gives change rights; removing a member takes all rights.
    h.admin
        .add_member(w.project, "dave", connection_service::domain::Role::Admin)
        .await
        .unwrap();
    h.service
        .create_connection(&w.developer, mysql(w.project, "by-dave", 0))
        .await
        .unwrap();
    h.admin.remove_member(w.project, "dave").await.unwrap();
    assert!(matches!(
        h.service
            .list_connections(&w.developer, list_all(w.project))
            .await,
        Err(DomainError::UserNotInProject)
    ));
    let members: HashSet<String> = h
        .admin
        .list_members(w.project)
        .await
        .unwrap()
        .into_iter()
        .map(|m| format!("{}:{}", m.user_name, m.role))
        .collect();
    assert_eq!(
        members,
        HashSet::from([
            "alice:owner".into(),
            "bob:admin".into(),
            "vera:visitor".into()
        ])
    );
    assert_eq!(
        h.admin.list_projects(Some("tenant-b")).await.unwrap().len(),
        1
    );
    assert_eq!(h.admin.list_users(Some("tenant-a")).await.unwrap().len(), 5);
}

async fn bootstrap_happens_once(h: &Harness) {
    let first = bootstrap(h.store.as_ref(), &h.cipher)
        .await
        .unwrap()
        .expect("empty database");
    assert!(bootstrap(h.store.as_ref(), &h.cipher)
        .await
        .unwrap()
        .is_none());
    let cred = lookup_credential(h.store.as_ref(), &h.cipher, &first.access_key_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cred.secret, first.access_key_secret);
    let owner = Caller {
        user_id: cred.user_id,
    };
    h.service
        .create_connection(&owner, mysql(first.project_id, "first", 0))
        .await
        .unwrap();
    let banner = first.banner("127.0.0.1:8080", "cn-shanghai");
    let lines: Vec<&str> = banner.lines().take(3).collect();
    assert_eq!(lines[0], format!("ProjectId={}", first.project_id));
    assert_eq!(lines[1], format!("AccessKeyId={}", first.access_key_id));
    assert_eq!(
        lines[2],
        format!("AccessKeySecret={}", first.access_key_secret.expose())
    );
    assert!(!format!("{first:?}").contains(first.access_key_secret.expose()));
}

async fn deleted_connections_are_gone(h: &Harness) {
    let w = h.world().await;
    let id = h
        .service
        .create_connection(&w.owner, mysql(w.project, "tmp", 0))
        .await
        .unwrap();
    h.service.delete_connection(&w.admin, id).await.unwrap();
    assert!(matches!(
        h.service.delete_connection(&w.admin, id).await,
        Err(DomainError::ConnectionNotExists)
    ));
    assert!(matches!(
        h.service
            .update_connection(&w.owner, update(id, mysql_content("x")))
            .await,
        Err(DomainError::ConnectionNotExists)
    ));
    assert!(matches!(
        h.service
            .update_connection(&w.owner, update(id, mysql_content(MASK)))
            .await,
        Err(DomainError::ConnectionNotExists)
    ));
    let again = h
        .service
        .create_connection(&w.owner, mysql(w.project, "tmp", 0))
        .await
        .unwrap();
    assert_ne!(again, id);
    assert_eq!(
        only(h, &w.owner, w.project).await.sequence,
        2,
        "sequence keeps increasing"
    );
}

async fn concurrent_creates_get_distinct_sequences(h: &Harness) {
    let w = h.world().await;
    let svc = Arc::new(h.service.clone());
    let mut tasks = Vec::new();
    for i in 0..30 {
        let svc = svc.clone();
        let owner = w.owner;
        let project = w.project;
        tasks.push(tokio::spawn(async move {
            svc.create_connection(&owner, mysql(project, &format!("p{i}"), i % 2))
                .await
        }));
    }
    for t in futures::future::join_all(tasks).await {
        t.unwrap().unwrap();
    }
    let page = h
        .service
        .list_connections(&w.owner, list_all(w.project))
        .await
        .unwrap();
    let seqs: Vec<i64> = page.connections.iter().map(|c| c.sequence).collect();
    assert_eq!(seqs, (1..=30).rev().collect::<Vec<_>>());
}

/// One connection of the model in [`total_count_follows_every_change`].
#[derive(Clone)]
struct Modelled {
    id: i64,
    name: String,
    connection_type: &'static str,
    sub_type: Option<&'static str>,
    env_type: i32,
    enabled: bool,
}

fn typed(project: i64, name: &str, env_type: i32, kind: usize) -> CreateConnection {
    match kind % 3 {
        0 => mysql(project, name, env_type),
        1 => CreateConnection {
            connection_type: "rds".into(),
            sub_type: Some("sqlserver".into()),
            ..mysql(project, name, env_type)
        },
        _ => CreateConnection {
            connection_type: "postgresql".into(),
            content: r#"{"jdbcUrl":"jdbc:postgresql://db:5432/x","username":"u","password":"p"}"#
                .into(),
            ..mysql(project, name, env_type)
        },
    }
}

/// Checks TotalCount under every combination of filters against the model, and against the
/// rows the page itself returns (the total and the page come from different tables).
async fn assert_totals(h: &Harness, caller: &Caller, project: i64, model: &[Modelled]) {
    let types = [None, Some("mysql"), Some("rds"), Some("postgresql")];
    let subs = [None, Some("sqlserver")];
    let statuses = [None, Some(true), Some(false)];
    let envs = [None, Some(0), Some(1)];
    let names = [None, Some("c1")];
    for t in types {
        for sub in subs {
            for st in statuses {
                for env in envs {
                    for name in names {
                        let expected = model
                            .iter()
                            .filter(|m| {
                                t.is_none_or(|t| m.connection_type == t)
                                    && sub.is_none_or(|s| m.sub_type == Some(s))
                                    && st.is_none_or(|e| m.enabled == e)
                                    && env.is_none_or(|e| m.env_type == e)
                                    && name.is_none_or(|n| m.name.contains(n))
                            })
                            .count();
                        let page = h
                            .service
                            .list_connections(
                                caller,
                                ListConnections {
                                    connection_type: t.map(str::to_owned),
                                    sub_type: sub.map(str::to_owned),
                                    status: st
                                        .map(|e| if e { "ENABLED" } else { "DISABLED" }.into()),
                                    env_type: env,
                                    name: name.map(str::to_owned),
                                    ..list_all(project)
                                },
                            )
                            .await
                            .unwrap();
                        let what = format!(
                            "type {t:?} sub {sub:?} enabled {st:?} env {env:?} name {name:?}"
                        );
                        assert_eq!(page.total_count as usize, expected, "total, {what}");
                        assert_eq!(page.connections.len(), expected, "rows, {what}");
                    }
                }
            }
        }
    }
}

async fn total_count_follows_every_change(h: &Harness) {
    let w = h.world().await;
    let svc = Arc::new(h.service.clone());
    let mut model = Vec::new();
    for i in 0..12 {
        let req = typed(w.project, &format!("c{i}"), (i % 2) as i32, i);
        let m = Modelled {
            id: 0,
            name: req.name.clone(),
            connection_type: ["mysql", "rds", "postgresql"][i % 3],
            sub_type: (i % 3 == 1).then_some("sqlserver"),
            env_type: req.env_type,
            enabled: true,
        };
        let id = svc.create_connection(&w.owner, req).await.unwrap();
        model.push(Modelled { id, ..m });
    }
    // The other project's connections must not show in this project's totals.
    for i in 0..3 {
        svc.create_connection(&w.b_owner, typed(w.other_project, &format!("c{i}"), 0, i))
            .await
            .unwrap();
    }
    assert_totals(h, &w.developer, w.project, &model).await;

    // Concurrent moves in opposite directions between the same counts (status and env), on
    // distinct connections: on PostgreSQL these lock two count rows each.
    let mut tasks = Vec::new();
    for (i, m) in model.iter_mut().enumerate() {
        if i % 4 == 3 {
            continue;
        }
        m.enabled = i % 2 == 0;
        m.env_type = if i % 3 == 0 {
            1 - m.env_type
        } else {
            m.env_type
        };
        let content = if m.connection_type == "postgresql" {
            r#"{"jdbcUrl":"jdbc:postgresql://db:5432/x","username":"u","password":"p"}"#.into()
        } else {
            mysql_content("pw-secret-2")
        };
        let change = UpdateConnection {
            status: Some(if m.enabled { "ENABLED" } else { "DISABLED" }.into()),
            env_type: m.env_type,
            ..update(m.id, content)
        };
        let (svc, owner) = (svc.clone(), w.owner);
        tasks.push(tokio::spawn(async move {
            svc.update_connection(&owner, change).await
        }));
    }
    for t in futures::future::join_all(tasks).await {
        t.unwrap().unwrap();
    }
    assert_totals(h, &w.developer, w.project, &model).await;

    let gone: Vec<i64> = [1, 4, 7].iter().map(|&i| model[i].id).collect();
    for id in &gone {
        svc.delete_connection(&w.owner, *id).await.unwrap();
    }
    model.retain(|m| !gone.contains(&m.id));
    assert_totals(h, &w.developer, w.project, &model).await;
}

on_both_backends!(
    create_then_list_answers_every_field,
    authorization_order_on_projects,
    authorization_order_on_connections,
    tenants_never_see_each_other,
    paging_edges,
    filters,
    names_are_unique_per_project_and_env,
    semantic_checks_name_the_parameter,
    secrets_are_masked_and_kept,
    concurrent_updates_lose_nothing,
    secrets_are_encrypted_at_rest,
    access_keys_for_signature_checks,
    admin_rules,
    bootstrap_happens_once,
    deleted_connections_are_gone,
    concurrent_creates_get_distinct_sequences,
    total_count_follows_every_change,
);
