//! The whole service served over real loopback HTTP for the API suites: the store harness of
//! `tests/common` (SQLite temp file or a throwaway PostgreSQL database), `app(..)` on a
//! `127.0.0.1:0` listener, one AccessKey per user of the [`World`], and generated clients signed
//! with them.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;

use acs_protocol::signing::{new_nonce, sign_request, SignRequest};
use connection_service::app::{app, nonce_store};
use connection_service::config::{FileConfig, Overrides, Settings};
use connection_service::metrics::Metrics;
use dataworks_client::{Client, Credentials, Format, RetryPolicy, SignatureVersion};
use time::OffsetDateTime;
use tokio::task::JoinHandle;

use crate::common::{Backing, Harness, World, PG_ENV};

/// Every combination a client can use.
pub const MODES: [(SignatureVersion, Format); 4] = [
    (SignatureVersion::V3, Format::Json),
    (SignatureVersion::V3, Format::Xml),
    (SignatureVersion::V1, Format::Json),
    (SignatureVersion::V1, Format::Xml),
];

/// The users of [`World`] by name, as the admin API created them.
pub const USERS: [&str; 7] = ["alice", "bob", "dave", "vera", "olga", "boris", "nomad"];

/// A running server with its store, world and keys. The server task stops when this is dropped.
pub struct Served {
    pub h: Harness,
    pub w: World,
    pub addr: SocketAddr,
    keys: HashMap<&'static str, (String, String)>,
    task: JoinHandle<()>,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Served {
    /// Builds the world in `h`, gives every user an AccessKey, and serves `app(..)` on loopback
    /// with the replay cache the settings choose for the database (memory for SQLite, the
    /// shared table for PostgreSQL).
    pub async fn start(h: Harness) -> Self {
        let w = h.world().await;
        let mut keys = HashMap::new();
        for user in USERS {
            let key = h.admin.create_access_key(user).await.unwrap();
            keys.insert(user, (key.id, key.secret.expose().to_owned()));
        }
        let database = match &h.backing {
            Backing::Sqlite { path, .. } => format!("sqlite://{}", path.display()),
            Backing::Postgres(db) => pg_url_of(&db.name),
        };
        let settings = Settings::resolve(
            FileConfig::default(),
            Overrides {
                database: Some(database),
                ..Overrides::default()
            },
        )
        .unwrap();
        let nonces = nonce_store(&settings).await.unwrap();
        let router = app(
            &settings,
            h.store.clone(),
            h.cipher.clone(),
            nonces,
            Metrics::default(),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self {
            h,
            w,
            addr,
            keys,
            task,
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The AccessKey pair of `user`.
    pub fn key(&self, user: &str) -> (String, String) {
        self.keys[user].clone()
    }

    /// A client signed as `user` (V3, JSON), without retries so that every answer is the first.
    pub fn client(&self, user: &str) -> Client {
        self.client_in(user, SignatureVersion::V3, Format::Json)
    }

    /// A client signed as `user` in the given mode.
    pub fn client_in(&self, user: &str, signature: SignatureVersion, format: Format) -> Client {
        let (id, secret) = self.key(user);
        client_for(&self.endpoint(), &id, &secret, signature, format)
    }

    /// GET of a plain path (`/metrics`, `/healthz`): status and body.
    pub async fn get(&self, path: &str) -> (u16, String) {
        let r = reqwest::get(format!("{}{path}", self.endpoint()))
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// A request signed as `user` but with parameters the generated client would refuse to
    /// send (it validates first): status and the JSON body.
    pub async fn raw(
        &self,
        user: &str,
        action: &str,
        params: &[(&str, &str)],
    ) -> (u16, serde_json::Value) {
        let (id, secret) = self.key(user);
        raw_call(
            &self.addr.to_string(),
            &Credentials::new(id, secret),
            SignatureVersion::V3,
            action,
            params,
        )
        .await
    }
}

/// A generated client for `endpoint` with this key, without retries.
pub fn client_for(
    endpoint: &str,
    id: &str,
    secret: &str,
    signature: SignatureVersion,
    format: Format,
) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .access_key(id.to_owned(), secret.to_owned())
        .signature_version(signature)
        .format(format)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// Signs `params` for `action` with the protocol runtime and sends them by PUT over loopback.
pub async fn raw_call(
    host: &str,
    credentials: &Credentials,
    scheme: SignatureVersion,
    action: &str,
    params: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    raw_call_with(
        reqwest::Method::PUT,
        host,
        credentials,
        scheme,
        action,
        params,
    )
    .await
}

/// Signs `params` for `action` and sends them with `method`, all in the query string.
pub async fn raw_call_with(
    method: reqwest::Method,
    host: &str,
    credentials: &Credentials,
    scheme: SignatureVersion,
    action: &str,
    params: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let nonce = new_nonce();
    let signed = sign_request(&SignRequest {
        method: &method,
        host,
        action,
        version: "2020-05-18",
        params: &params,
        credentials,
        scheme,
        nonce: &nonce,
        timestamp: OffsetDateTime::now_utc(),
    })
    .unwrap();
    let mut request =
        reqwest::Client::new().request(method, format!("http://{host}/?{}", signed.query));
    for (name, value) in &signed.headers {
        request = request.header(name, value);
    }
    let answer = request.body(signed.body).send().await.unwrap();
    let status = answer.status().as_u16();
    let body = answer.json().await.unwrap();
    (status, body)
}

/// Whether `needle` occurs anywhere in `hay`.
pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|win| win == needle)
}

/// A PostgreSQL Content whose jdbcUrl points at `addr` (what TestNetworkConnection probes).
pub fn postgresql_content(addr: SocketAddr, password: &str) -> String {
    serde_json::json!({
        "jdbcUrl": format!("jdbc:postgresql://{addr}/db"),
        "username": "u",
        "password": password,
        "tag": "public",
    })
    .to_string()
}

/// Runs each named `async fn(&Served)` once on SQLite and once on PostgreSQL (skipped with a
/// note when `DATAWORKS_TEST_POSTGRES_URL` is unset; failing under `CI` when unreachable).
#[macro_export]
macro_rules! served_on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let h = $crate::common::Harness::sqlite().await;
                    super::$name(&$crate::api_support::Served::start(h).await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let Some(h) = $crate::common::Harness::postgres().await else { return };
                    super::$name(&$crate::api_support::Served::start(h).await).await;
                }
            )*
        }
    };
}

/// The URL of database `name` on the server of `DATAWORKS_TEST_POSTGRES_URL` (the variable's
/// URL with its database name replaced).
pub fn pg_url_of(name: &str) -> String {
    let base = std::env::var(PG_ENV).unwrap();
    let (server, _) = base.rsplit_once('/').unwrap();
    format!("{server}/{name}")
}
