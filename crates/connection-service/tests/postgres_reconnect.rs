//! The shared PostgreSQL connections of the hot paths come back by themselves after the server
//! drops them (a restart, a failover, an administrator's pg_terminate_backend).

mod common;

use common::{mysql, Backing, Harness};
use connection_service::domain::{ListConnections, UpdateConnection};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn shared_connections_reconnect_after_the_server_drops_them() {
    let Some(h) = Harness::postgres().await else {
        return;
    };
    let Backing::Postgres(db) = &h.backing else {
        unreachable!("a PostgreSQL harness");
    };
    let w = h.world().await;
    let id = h
        .service
        .create_connection(&w.owner, mysql(w.project, "orders", 0))
        .await
        .unwrap();
    let list = || ListConnections {
        project_id: w.project,
        ..ListConnections::default()
    };
    // Open every shared slot.
    for _ in 0..32 {
        h.service.list_connections(&w.owner, list()).await.unwrap();
    }
    let (admin, conn) = db
        .admin_config
        .connect(tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let killed: i64 = admin
        .query_one(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE datname = $1 AND pid <> pg_backend_pid()",
            &[&db.name],
        )
        .await
        .unwrap()
        .get(0);
    assert!(killed > 0, "the test's connections were open");
    // The dropped connections notice the termination message and close.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    for i in 0..32 {
        let page = h
            .service
            .list_connections(&w.owner, list())
            .await
            .unwrap_or_else(|e| panic!("call {i} after the drop: {e:?}"));
        assert_eq!(page.total_count, 1);
        h.service
            .update_connection(
                &w.owner,
                UpdateConnection {
                    connection_id: id,
                    content: common::mysql_content("pw-after-restart"),
                    env_type: 0,
                    description: None,
                    status: None,
                },
            )
            .await
            .unwrap_or_else(|e| panic!("update {i} after the drop: {e:?}"));
    }
}
