//! Shared by the client tests: a small in-memory implementation of the generated API trait
//! served by the generated router (over loopback HTTP or in-process), a static key store, clients
//! configured for it, and a raw TCP server for scripted connection failures.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use acs_protocol::auth::{Credential, CredentialLookup, InMemoryNonceStore, LookupError, Verifier};
use acs_protocol::secret::{AccessKeySecret, SecurityToken};
use dataworks_client::{Client, ClientBuilder, Format, RetryPolicy, SignatureVersion};
use dataworks_server_stub::{router, DataWorksConnectionApi, RequestContext, ServerConfig};
use dataworks_types::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const KEY_ID: &str = "client-test-key";
pub const SECRET: &str = "client-test-secret";
/// A key that only works together with this STS token.
pub const STS_KEY_ID: &str = "STS.client-test";
pub const STS_TOKEN: &str = "CAIS-test-token";
pub const PROJECT_ID: i64 = 10000;
pub const CONTENT: &str = r#"{"database":"db","instanceName":"rm-1","password":"hunter2","rdsOwnerId":"123","username":"u","regionId":"cn-shanghai","tag":"rds"}"#;

/// The server's key store.
pub struct Keys;

#[async_trait::async_trait]
impl CredentialLookup for Keys {
    async fn lookup(
        &self,
        access_key_id: &str,
        security_token: Option<&SecurityToken>,
    ) -> Result<Option<Credential>, LookupError> {
        let credential = |principal: &str| Credential {
            secret: AccessKeySecret::new(SECRET),
            principal: principal.to_owned(),
            active: true,
        };
        Ok(match access_key_id {
            KEY_ID => Some(credential("alice")),
            STS_KEY_ID if security_token.map(SecurityToken::expose) == Some(STS_TOKEN) => {
                Some(credential("alice-sts"))
            }
            _ => None,
        })
    }
}

/// A stored connection.
#[derive(Debug, Clone)]
struct Stored {
    name: String,
    connection_type: String,
    content: String,
    env_type: i32,
    description: String,
    status: i32,
}

/// An in-memory fake of the API: real create/update/list/delete semantics on one project, plus
/// a scripted error (`fail_next`) and counters, so tests see what arrived.
#[derive(Default)]
pub struct FakeApi {
    connections: Mutex<BTreeMap<i64, Stored>>,
    next_id: AtomicUsize,
    fail_next: Mutex<Option<String>>,
    pub calls: AtomicUsize,
    /// Request ids the server gave, in order.
    pub request_ids: Mutex<Vec<String>>,
    /// Who signed each call.
    pub principals: Mutex<Vec<String>>,
    /// The `RegionId` each call carried.
    pub regions: Mutex<Vec<Option<String>>>,
}

impl FakeApi {
    /// The next call answers the documented `code` of its operation.
    pub fn fail_next(&self, code: &str) {
        *self.fail_next.lock().unwrap() = Some(code.to_owned());
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    pub fn last_request_id(&self) -> String {
        self.request_ids
            .lock()
            .unwrap()
            .last()
            .cloned()
            .unwrap_or_default()
    }

    fn enter<E>(
        &self,
        ctx: &RequestContext,
        codes: &[ErrorCode],
        from_code: fn(u16, &str, &str) -> E,
    ) -> Result<(), E> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.request_ids
            .lock()
            .unwrap()
            .push(ctx.request_id.to_string());
        self.principals
            .lock()
            .unwrap()
            .push(ctx.caller.principal.clone());
        self.regions.lock().unwrap().push(ctx.region_id.clone());
        match self.fail_next.lock().unwrap().take() {
            Some(code) => {
                let documented = codes
                    .iter()
                    .find(|c| c.code == code)
                    .unwrap_or_else(|| panic!("{code} is not documented"));
                let message = documented.message_with(&[("status", "BROKEN")]);
                Err(from_code(documented.http_status, &code, &message))
            }
            None => Ok(()),
        }
    }
}

impl DataWorksConnectionApi for FakeApi {
    async fn create_connection(
        &self,
        ctx: &RequestContext,
        req: CreateConnectionRequest,
    ) -> Result<CreateConnectionResponse, CreateConnectionError> {
        self.enter(
            ctx,
            CreateConnectionError::CODES,
            CreateConnectionError::from_code,
        )?;
        if req.project_id != PROJECT_ID {
            return Err(CreateConnectionError::InvalidTenantProjectNotExists);
        }
        let id = self.next_id.fetch_add(1, Ordering::SeqCst) as i64 + 1;
        self.connections.lock().unwrap().insert(
            id,
            Stored {
                name: req.name,
                connection_type: req.connection_type.as_str().to_owned(),
                content: req.content,
                env_type: req.env_type,
                description: req.description.unwrap_or_default(),
                status: 1,
            },
        );
        Ok(CreateConnectionResponse {
            request_id: String::new(),
            success: true,
            http_status_code: "200".into(),
            data: id,
        })
    }

    async fn update_connection(
        &self,
        ctx: &RequestContext,
        req: UpdateConnectionRequest,
    ) -> Result<UpdateConnectionResponse, UpdateConnectionError> {
        self.enter(
            ctx,
            UpdateConnectionError::CODES,
            UpdateConnectionError::from_code,
        )?;
        let mut connections = self.connections.lock().unwrap();
        let stored = connections
            .get_mut(&req.connection_id)
            .ok_or(UpdateConnectionError::InvalidTenantConnectionNotExists)?;
        stored.content = req.content;
        stored.env_type = req.env_type;
        if let Some(description) = req.description {
            stored.description = description;
        }
        if let Some(status) = req.status {
            stored.status = if status.eq_ignore_ascii_case("disabled") || status == "2" {
                2
            } else {
                1
            };
        }
        Ok(UpdateConnectionResponse {
            success: true,
            http_status_code: "200".into(),
            data: true,
            ..Default::default()
        })
    }

    async fn list_connections(
        &self,
        ctx: &RequestContext,
        req: ListConnectionsRequest,
    ) -> Result<ListConnectionsResponse, ListConnectionsError> {
        self.enter(
            ctx,
            ListConnectionsError::CODES,
            ListConnectionsError::from_code,
        )?;
        if req.project_id != PROJECT_ID {
            return Err(ListConnectionsError::InvalidTenantProjectNotExists);
        }
        let connections: Vec<Connection> = self
            .connections
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, c)| {
                req.name
                    .as_ref()
                    .is_none_or(|n| c.name.contains(n.as_str()))
            })
            .map(|(id, c)| Connection {
                id: *id,
                name: c.name.clone(),
                project_id: PROJECT_ID,
                tenant_id: 1,
                connection_type: c.connection_type.clone(),
                content: c.content.replace("hunter2", "******"),
                description: c.description.clone(),
                env_type: c.env_type,
                status: c.status,
                gmt_create: "Mar 17, 2021 4:09:32 PM".into(),
                gmt_modified: "Mar 17, 2021 4:09:32 PM".into(),
                ..Default::default()
            })
            .collect();
        Ok(ListConnectionsResponse {
            success: true,
            http_status_code: 200,
            data: ListConnectionsData {
                page_number: req.page_number,
                page_size: req.page_size,
                total_count: connections.len() as i32,
                connections,
            },
            ..Default::default()
        })
    }

    async fn delete_connection(
        &self,
        ctx: &RequestContext,
        req: DeleteConnectionRequest,
    ) -> Result<DeleteConnectionResponse, DeleteConnectionError> {
        self.enter(
            ctx,
            DeleteConnectionError::CODES,
            DeleteConnectionError::from_code,
        )?;
        self.connections
            .lock()
            .unwrap()
            .remove(&req.connection_id)
            .ok_or(DeleteConnectionError::InvalidTenantConnectionNotExists)?;
        Ok(DeleteConnectionResponse {
            success: true,
            http_status_code: "200".into(),
            data: true,
            ..Default::default()
        })
    }

    async fn test_network_connection(
        &self,
        ctx: &RequestContext,
        req: TestNetworkConnectionRequest,
    ) -> Result<TestNetworkConnectionResponse, TestNetworkConnectionError> {
        self.enter(
            ctx,
            TestNetworkConnectionError::CODES,
            TestNetworkConnectionError::from_code,
        )?;
        let found = self
            .connections
            .lock()
            .unwrap()
            .values()
            .any(|c| c.name == req.datasource_name);
        if !found {
            return Err(TestNetworkConnectionError::InvalidTenantConnectionNotExists);
        }
        Ok(TestNetworkConnectionResponse {
            success: true,
            task_list: TaskList {
                connect_status: true,
                connect_message: format!("reachable from {}", req.resource_group),
            },
            ..Default::default()
        })
    }

    // The DataSource family: not exercised by these tests.

    async fn create_data_source(
        &self,
        _: &RequestContext,
        _: CreateDataSourceRequest,
    ) -> Result<CreateDataSourceResponse, CreateDataSourceError> {
        Ok(CreateDataSourceResponse::default())
    }

    async fn update_data_source(
        &self,
        _: &RequestContext,
        _: UpdateDataSourceRequest,
    ) -> Result<UpdateDataSourceResponse, UpdateDataSourceError> {
        Ok(UpdateDataSourceResponse::default())
    }

    async fn list_data_sources(
        &self,
        _: &RequestContext,
        _: ListDataSourcesRequest,
    ) -> Result<ListDataSourcesResponse, ListDataSourcesError> {
        Ok(ListDataSourcesResponse::default())
    }

    async fn delete_data_source(
        &self,
        _: &RequestContext,
        _: DeleteDataSourceRequest,
    ) -> Result<DeleteDataSourceResponse, DeleteDataSourceError> {
        Ok(DeleteDataSourceResponse::default())
    }

    async fn export_data_sources(
        &self,
        _: &RequestContext,
        _: ExportDataSourcesRequest,
    ) -> Result<ExportDataSourcesResponse, ExportDataSourcesError> {
        Ok(ExportDataSourcesResponse::default())
    }

    async fn import_data_sources(
        &self,
        _: &RequestContext,
        _: ImportDataSourcesRequest,
    ) -> Result<ImportDataSourcesResponse, ImportDataSourcesError> {
        Ok(ImportDataSourcesResponse::default())
    }

    async fn set_data_source_share(
        &self,
        _: &RequestContext,
        _: SetDataSourceShareRequest,
    ) -> Result<SetDataSourceShareResponse, SetDataSourceShareError> {
        Ok(SetDataSourceShareResponse::default())
    }
}

/// The generated router over `api`, with a real verifier (signatures, replay window, nonces).
pub fn app(api: Arc<FakeApi>) -> axum::Router {
    let verifier = Verifier::new(Keys, InMemoryNonceStore::new(100_000));
    router(api, ServerConfig::new(verifier))
}

/// The generated router served on a loopback port.
pub async fn serve(api: Arc<FakeApi>) -> SocketAddr {
    serve_router(app(api)).await
}

/// Any router on a loopback port.
pub async fn serve_router(router: axum::Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    addr
}

/// A builder for a client of the server at `addr` with the test key and fast retries.
pub fn builder(addr: SocketAddr) -> ClientBuilder {
    Client::builder()
        .endpoint(format!("http://{addr}"))
        .access_key(KEY_ID, SECRET)
        .retry_policy(fast_retries())
}

/// Retries quick enough for tests.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::new()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(20))
        .max_backoff(Duration::from_millis(100))
        .max_elapsed(Duration::from_secs(10))
}

/// Every signature version and answer format.
pub const MODES: [(SignatureVersion, Format); 4] = [
    (SignatureVersion::V3, Format::Json),
    (SignatureVersion::V3, Format::Xml),
    (SignatureVersion::V1, Format::Json),
    (SignatureVersion::V1, Format::Xml),
];

/// One request as a raw TCP server read it.
#[derive(Debug, Clone)]
pub struct RawRequest {
    pub method: String,
    pub target: String,
    pub headers: HashMap<String, String>,
}

impl RawRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    /// A query parameter, decoded.
    pub fn param(&self, name: &str) -> Option<String> {
        let query = self.target.split_once('?')?.1;
        form_urlencoded::parse(query.as_bytes())
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.into_owned())
    }

    /// The nonce, whichever signature carried it.
    pub fn nonce(&self) -> Option<String> {
        self.header("x-acs-signature-nonce")
            .map(str::to_owned)
            .or_else(|| self.param("SignatureNonce"))
    }
}

/// What the raw server does with the n-th request (0-based, over all connections).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Read the request, then close without answering.
    Drop,
    /// Answer `status` with `body` (JSON) and extra headers.
    Answer(u16, &'static str, &'static [(&'static str, &'static str)]),
}

/// A raw HTTP/1.1 server on loopback: follows `script` per request (the last entry repeats) and
/// records every request head it read.
pub struct RawServer {
    pub addr: SocketAddr,
    pub requests: Arc<Mutex<Vec<RawRequest>>>,
    pub connections: Arc<AtomicUsize>,
}

impl RawServer {
    pub async fn start(script: Vec<Script>) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::start_on(listener, script)
    }

    pub fn start_on(listener: TcpListener, script: Vec<Script>) -> RawServer {
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let (seen, count) = (Arc::clone(&requests), Arc::clone(&connections));
        let script = Arc::new(script);
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                count.fetch_add(1, Ordering::SeqCst);
                let (seen, script) = (Arc::clone(&seen), Arc::clone(&script));
                tokio::spawn(async move { handle(stream, &script, seen).await });
            }
        });
        RawServer {
            addr,
            requests,
            connections,
        }
    }

    pub fn requests(&self) -> Vec<RawRequest> {
        self.requests.lock().unwrap().clone()
    }
}

async fn handle(mut stream: TcpStream, script: &[Script], seen: Arc<Mutex<Vec<RawRequest>>>) {
    // Keep-alive: answer requests on this connection until it closes.
    loop {
        let Some(request) = read_head(&mut stream).await else {
            return;
        };
        let step = {
            let mut seen = seen.lock().unwrap();
            seen.push(request);
            script[(seen.len() - 1).min(script.len() - 1)]
        };
        match step {
            Script::Drop => return,
            Script::Answer(status, body, headers) => {
                let mut head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json;charset=utf-8\r\ncontent-length: {}\r\n",
                    body.len()
                );
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                if stream.write_all(head.as_bytes()).await.is_err()
                    || stream.write_all(body.as_bytes()).await.is_err()
                {
                    return;
                }
            }
        }
    }
}

/// Reads one request head (the client sends no body).
async fn read_head(stream: &mut TcpStream) -> Option<RawRequest> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        buf.push(byte[0]);
    }
    let text = String::from_utf8(buf).ok()?;
    let mut lines = text.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, target) = (first.next()?.to_owned(), first.next()?.to_owned());
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Some(RawRequest {
        method,
        target,
        headers,
    })
}

/// A success body of UpdateConnection.
pub const UPDATE_OK: &str =
    r#"{"RequestId":"raw-ok-1","Success":true,"HttpStatusCode":"200","Data":true}"#;
/// A success body of CreateConnection.
pub const CREATE_OK: &str =
    r#"{"RequestId":"raw-ok-2","Success":true,"HttpStatusCode":"200","Data":77}"#;
