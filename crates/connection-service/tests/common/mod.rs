//! One harness for SQLite (a temp file) and PostgreSQL (a database created for the test and
//! dropped after it), so the same suite runs on both.
//!
//! PostgreSQL comes from `DATAWORKS_TEST_POSTGRES_URL`. Unset: the PostgreSQL half prints a note
//! and passes. Set but unreachable: a note too, except under `CI`, where it fails.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use connection_service::admin::Admin;
use connection_service::crypto::{Cipher, MasterKey};
use connection_service::domain::{Caller, ConnectionService, CreateConnection, Role};
use connection_service::network::ProbeConfig;
use connection_service::store::postgres::PgStore;
use connection_service::store::sqlite::SqliteStore;
use connection_service::store::{Store, StoreOptions};

/// What the PostgreSQL half connects to.
pub const PG_ENV: &str = "DATAWORKS_TEST_POSTGRES_URL";

/// A store with its service, admin and cipher.
pub struct Harness {
    pub store: Arc<dyn Store>,
    pub service: ConnectionService,
    pub admin: Admin,
    pub cipher: Cipher,
    pub backing: Backing,
}

/// Where the data lives, kept alive for the test.
pub enum Backing {
    Sqlite {
        dir: tempfile::TempDir,
        path: PathBuf,
    },
    Postgres(Box<PgDatabase>),
}

/// A throwaway PostgreSQL database, dropped (with FORCE) when this is dropped, even after a
/// failed assertion.
pub struct PgDatabase {
    pub admin_config: tokio_postgres::Config,
    pub config: tokio_postgres::Config,
    pub name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let admin = self.admin_config.clone();
        let name = self.name.clone();
        // Drop runs inside the test's runtime: do the async work on a thread of its own.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok((client, conn)) = admin.connect(tokio_postgres::NoTls).await {
                    tokio::spawn(conn);
                    let _ = client
                        .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .await;
                }
            });
        })
        .join();
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "dwtest_{}_{}_{}",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

impl Harness {
    fn build(store: Arc<dyn Store>, backing: Backing, probe: ProbeConfig) -> Self {
        let cipher = Cipher::new(&MasterKey::generate());
        Self {
            service: ConnectionService::new(store.clone(), cipher.clone(), probe),
            admin: Admin::new(store.clone(), cipher.clone()),
            store,
            cipher,
            backing,
        }
    }

    /// A fresh SQLite file in a temp directory.
    pub async fn sqlite() -> Self {
        Self::sqlite_with(ProbeConfig::default()).await
    }

    /// Same, with probe settings.
    pub async fn sqlite_with(probe: ProbeConfig) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("nested").join("dataworks.db");
        let store = SqliteStore::open(&path, &StoreOptions::default())
            .await
            .expect("open sqlite");
        Self::build(Arc::new(store), Backing::Sqlite { dir, path }, probe)
    }

    /// A fresh PostgreSQL database, or `None` (with a note) when none is configured.
    pub async fn postgres() -> Option<Self> {
        Self::postgres_with(ProbeConfig::default()).await
    }

    /// Same, with probe settings.
    pub async fn postgres_with(probe: ProbeConfig) -> Option<Self> {
        let db = pg_database().await?;
        let store = PgStore::connect_with(db.config.clone(), 8)
            .await
            .expect("connect to the test database and migrate");
        Some(Self::build(
            Arc::new(store),
            Backing::Postgres(Box::new(db)),
            probe,
        ))
    }

    /// Every byte the database holds about its rows, as text (SQLite: the file and its WAL;
    /// PostgreSQL: every row of every table rendered as text).
    pub async fn raw_dump(&self) -> Vec<u8> {
        match &self.backing {
            Backing::Sqlite { path, .. } => {
                let mut bytes = std::fs::read(path).expect("read db file");
                let wal = path.with_extension("db-wal");
                if let Ok(w) = std::fs::read(wal) {
                    bytes.extend(w);
                }
                bytes
            }
            Backing::Postgres(db) => {
                let (client, conn) = db
                    .config
                    .connect(tokio_postgres::NoTls)
                    .await
                    .expect("connect");
                tokio::spawn(conn);
                let mut out = Vec::new();
                for table in [
                    "tenants",
                    "projects",
                    "users",
                    "project_members",
                    "access_keys",
                    "connections",
                ] {
                    for row in client
                        .query(&format!("SELECT t::text FROM {table} t"), &[])
                        .await
                        .expect("dump")
                    {
                        let text: String = row.get(0);
                        out.extend(text.into_bytes());
                    }
                }
                out
            }
        }
    }
}

/// Creates a throwaway database on the configured server.
pub async fn pg_database() -> Option<PgDatabase> {
    let Ok(url) = std::env::var(PG_ENV) else {
        eprintln!("note: {PG_ENV} is not set; skipping the PostgreSQL half of this test");
        return None;
    };
    let admin_config: tokio_postgres::Config = url.parse().expect("a valid PostgreSQL URL");
    let connected = admin_config.connect(tokio_postgres::NoTls).await;
    let (client, conn) = match connected {
        Ok(pair) => pair,
        Err(e) => {
            if std::env::var_os("CI").is_some() {
                panic!("CI is set and PostgreSQL at {PG_ENV} is unreachable: {e}");
            }
            eprintln!("note: PostgreSQL at {PG_ENV} is unreachable ({e}); skipping");
            return None;
        }
    };
    tokio::spawn(conn);
    let name = unique_name();
    client
        .batch_execute(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create the test database");
    let mut config = admin_config.clone();
    config.dbname(&name);
    Some(PgDatabase {
        admin_config,
        config,
        name,
    })
}

/// Ids of a small world: tenant A with project P (owner, admin, developer, visitor, outsider),
/// tenant B with project Q (its own owner), and a user in no tenant.
pub struct World {
    pub tenant_a: i64,
    pub tenant_b: i64,
    pub project: i64,
    pub other_project: i64,
    pub owner: Caller,
    pub admin: Caller,
    pub developer: Caller,
    pub visitor: Caller,
    pub outsider: Caller,
    pub b_owner: Caller,
    pub homeless: Caller,
}

impl Harness {
    /// Builds the [`World`].
    pub async fn world(&self) -> World {
        let a = self.admin.create_tenant("tenant-a").await.unwrap();
        let b = self.admin.create_tenant("tenant-b").await.unwrap();
        let p = self
            .admin
            .create_project("tenant-a", "project-p")
            .await
            .unwrap();
        let q = self
            .admin
            .create_project("tenant-b", "project-q")
            .await
            .unwrap();
        let mut ids = Vec::new();
        for (name, role) in [
            ("alice", Some(Role::Owner)),
            ("bob", Some(Role::Admin)),
            ("dave", Some(Role::Developer)),
            ("vera", Some(Role::Visitor)),
            ("olga", None),
        ] {
            let u = self.admin.create_user("tenant-a", name).await.unwrap();
            if let Some(role) = role {
                self.admin.add_member(p.id, name, role).await.unwrap();
            }
            ids.push(u.id);
        }
        let bo = self.admin.create_user("tenant-b", "boris").await.unwrap();
        self.admin
            .add_member(q.id, "boris", Role::Owner)
            .await
            .unwrap();
        let homeless = self.store.create_user(None, "nomad").await.unwrap();
        World {
            tenant_a: a.id,
            tenant_b: b.id,
            project: p.id,
            other_project: q.id,
            owner: Caller { user_id: ids[0] },
            admin: Caller { user_id: ids[1] },
            developer: Caller { user_id: ids[2] },
            visitor: Caller { user_id: ids[3] },
            outsider: Caller { user_id: ids[4] },
            b_owner: Caller { user_id: bo.id },
            homeless: Caller {
                user_id: homeless.id,
            },
        }
    }
}

/// A valid MySQL Content with the given password.
pub fn mysql_content(password: &str) -> String {
    serde_json::json!({
        "database": "db",
        "instanceName": "rm-123",
        "password": password,
        "username": "user",
        "regionId": "cn-shanghai",
        "tag": "rds",
    })
    .to_string()
}

/// A CreateConnection for a MySQL connection named `name` in `project`.
pub fn mysql(project: i64, name: &str, env_type: i32) -> CreateConnection {
    CreateConnection {
        project_id: project,
        name: name.to_owned(),
        connection_type: "mysql".to_owned(),
        sub_type: None,
        description: Some(format!("about {name}")),
        content: mysql_content("pw-secret-1"),
        env_type,
    }
}

/// Runs each named `async fn(&Harness)` once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let h = $crate::common::Harness::sqlite().await;
                    super::$name(&h).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let Some(h) = $crate::common::Harness::postgres().await else { return };
                    super::$name(&h).await;
                }
            )*
        }
    };
}
