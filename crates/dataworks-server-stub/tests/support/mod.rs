//! Shared by the server-stub tests: a recording implementation of the API trait, a real server on
//! a loopback port, signed requests (acs-protocol's signer, v1 and V3) sent with reqwest, and the
//! spec read as data (the oracle for the table-driven tests).
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use acs_protocol::answer::{decode_error, ErrorEnvelope, Format};
use acs_protocol::auth::{Credential, CredentialLookup, InMemoryNonceStore, LookupError, Verifier};
use acs_protocol::secret::{AccessKeySecret, SecurityToken};
use acs_protocol::signature::SignatureVersion;
use acs_protocol::signing::{new_nonce, sign_request, Credentials, SignRequest};
use dataworks_server_stub::{
    router, DataWorksConnectionApi, Operation, OperationHooks, Outcome, RequestContext, RequestId,
    ServerConfig,
};
use dataworks_types::*;
use http::Method;
use serde_json::Value;

pub const KEY_ID: &str = "test-key-id";
pub const SECRET: &str = "test-secret";
pub const INACTIVE_KEY_ID: &str = "inactive-key-id";
pub const VERSION: &str = "2020-05-18";

/// Key id -> credential.
pub struct Keys(HashMap<String, Credential>);

impl Keys {
    pub fn standard() -> Self {
        let mut keys = HashMap::new();
        for (id, active) in [(KEY_ID, true), (INACTIVE_KEY_ID, false)] {
            keys.insert(
                id.to_owned(),
                Credential {
                    secret: AccessKeySecret::new(SECRET),
                    principal: format!("user-of-{id}"),
                    active,
                },
            );
        }
        Keys(keys)
    }
}

#[async_trait::async_trait]
impl CredentialLookup for Keys {
    async fn lookup(
        &self,
        access_key_id: &str,
        _security_token: Option<&SecurityToken>,
    ) -> Result<Option<Credential>, LookupError> {
        Ok(self.0.get(access_key_id).cloned())
    }
}

/// What the trait received, typed.
#[derive(Debug, Clone)]
pub enum Received {
    Create(CreateConnectionRequest),
    Update(UpdateConnectionRequest),
    List(ListConnectionsRequest),
    Delete(DeleteConnectionRequest),
    Test(TestNetworkConnectionRequest),
    /// An operation of the DataSource family, by its Action.
    DataSource(&'static str),
}

/// The test implementation: counts calls, records requests and contexts, and behaves as the
/// `RegionId` parameter scripts it (the one value every operation accepts and hands over in the
/// context, so concurrent tests cannot interfere):
/// - `fail:<Code>`: the documented error `<Code>` of the operation (from `from_code`);
/// - `unlisted`: an `Unlisted` error carrying internal detail;
/// - `panic`: panics; `sleep:<ms>`: sleeps first;
/// - anything else: a success answer (with a wrong `RequestId` the layer must replace).
#[derive(Default)]
pub struct TestApi {
    pub calls: AtomicUsize,
    pub received: Mutex<Vec<(Received, RequestContext)>>,
}

pub const INTERNAL_DETAIL: &str = "db password=hunter2 at 10.0.0.7";

impl TestApi {
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    pub fn last(&self) -> Option<(Received, RequestContext)> {
        self.received.lock().unwrap().last().cloned()
    }

    async fn enter<E>(
        &self,
        ctx: &RequestContext,
        received: Received,
        codes: &[ErrorCode],
        from_code: fn(u16, &str, &str) -> E,
    ) -> Result<(), E> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.received.lock().unwrap().push((received, ctx.clone()));
        let script = ctx.region_id.as_deref().unwrap_or("");
        if let Some(ms) = script.strip_prefix("sleep:") {
            tokio::time::sleep(Duration::from_millis(ms.parse().unwrap())).await;
        }
        if script == "panic" {
            panic!("scripted panic with {INTERNAL_DETAIL}");
        }
        if script == "unlisted" {
            return Err(from_code(500, "Db.Down", INTERNAL_DETAIL));
        }
        if let Some(code) = script.strip_prefix("fail:") {
            let documented = codes
                .iter()
                .find(|c| c.code == code)
                .unwrap_or_else(|| panic!("{code} is not documented"));
            let message = documented.message_with(&[
                ("name", "SomeParameter"),
                ("status", "BROKEN"),
                ("stringToSign", "GET&%2F&x"),
            ]);
            return Err(from_code(documented.http_status, code, &message));
        }
        Ok(())
    }
}

const WRONG_ID: &str = "set-by-business-code";

impl DataWorksConnectionApi for TestApi {
    async fn create_connection(
        &self,
        ctx: &RequestContext,
        req: CreateConnectionRequest,
    ) -> Result<CreateConnectionResponse, CreateConnectionError> {
        self.enter(
            ctx,
            Received::Create(req),
            CreateConnectionError::CODES,
            CreateConnectionError::from_code,
        )
        .await?;
        Ok(CreateConnectionResponse {
            request_id: WRONG_ID.into(),
            success: true,
            http_status_code: "200".into(),
            data: 42,
        })
    }

    async fn update_connection(
        &self,
        ctx: &RequestContext,
        req: UpdateConnectionRequest,
    ) -> Result<UpdateConnectionResponse, UpdateConnectionError> {
        self.enter(
            ctx,
            Received::Update(req),
            UpdateConnectionError::CODES,
            UpdateConnectionError::from_code,
        )
        .await?;
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
        let page_size = req.page_size;
        self.enter(
            ctx,
            Received::List(req),
            ListConnectionsError::CODES,
            ListConnectionsError::from_code,
        )
        .await?;
        let connection = Connection {
            id: 7,
            name: "mysql_name".into(),
            connection_type: "mysql".into(),
            ..Default::default()
        };
        Ok(ListConnectionsResponse {
            success: true,
            http_status_code: 200,
            data: ListConnectionsData {
                page_number: 1,
                page_size,
                total_count: 2,
                connections: vec![connection.clone(), connection],
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
            Received::Delete(req),
            DeleteConnectionError::CODES,
            DeleteConnectionError::from_code,
        )
        .await?;
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
            Received::Test(req),
            TestNetworkConnectionError::CODES,
            TestNetworkConnectionError::from_code,
        )
        .await?;
        Ok(TestNetworkConnectionResponse {
            success: true,
            task_list: TaskList {
                connect_status: true,
                connect_message: "ok".into(),
            },
            ..Default::default()
        })
    }

    // The DataSource family: counted and scripted like the others, answered with defaults.

    async fn create_data_source(
        &self,
        ctx: &RequestContext,
        _: CreateDataSourceRequest,
    ) -> Result<CreateDataSourceResponse, CreateDataSourceError> {
        self.enter(
            ctx,
            Received::DataSource("CreateDataSource"),
            CreateDataSourceError::CODES,
            CreateDataSourceError::from_code,
        )
        .await?;
        Ok(CreateDataSourceResponse {
            success: true,
            ..Default::default()
        })
    }

    async fn update_data_source(
        &self,
        ctx: &RequestContext,
        _: UpdateDataSourceRequest,
    ) -> Result<UpdateDataSourceResponse, UpdateDataSourceError> {
        self.enter(
            ctx,
            Received::DataSource("UpdateDataSource"),
            UpdateDataSourceError::CODES,
            UpdateDataSourceError::from_code,
        )
        .await?;
        Ok(UpdateDataSourceResponse {
            success: true,
            ..Default::default()
        })
    }

    async fn list_data_sources(
        &self,
        ctx: &RequestContext,
        _: ListDataSourcesRequest,
    ) -> Result<ListDataSourcesResponse, ListDataSourcesError> {
        self.enter(
            ctx,
            Received::DataSource("ListDataSources"),
            ListDataSourcesError::CODES,
            ListDataSourcesError::from_code,
        )
        .await?;
        Ok(ListDataSourcesResponse {
            success: true,
            ..Default::default()
        })
    }

    async fn delete_data_source(
        &self,
        ctx: &RequestContext,
        _: DeleteDataSourceRequest,
    ) -> Result<DeleteDataSourceResponse, DeleteDataSourceError> {
        self.enter(
            ctx,
            Received::DataSource("DeleteDataSource"),
            DeleteDataSourceError::CODES,
            DeleteDataSourceError::from_code,
        )
        .await?;
        Ok(DeleteDataSourceResponse {
            success: true,
            ..Default::default()
        })
    }

    async fn export_data_sources(
        &self,
        ctx: &RequestContext,
        _: ExportDataSourcesRequest,
    ) -> Result<ExportDataSourcesResponse, ExportDataSourcesError> {
        self.enter(
            ctx,
            Received::DataSource("ExportDataSources"),
            ExportDataSourcesError::CODES,
            ExportDataSourcesError::from_code,
        )
        .await?;
        Ok(ExportDataSourcesResponse {
            success: true,
            ..Default::default()
        })
    }

    async fn import_data_sources(
        &self,
        ctx: &RequestContext,
        _: ImportDataSourcesRequest,
    ) -> Result<ImportDataSourcesResponse, ImportDataSourcesError> {
        self.enter(
            ctx,
            Received::DataSource("ImportDataSources"),
            ImportDataSourcesError::CODES,
            ImportDataSourcesError::from_code,
        )
        .await?;
        Ok(ImportDataSourcesResponse {
            success: true,
            ..Default::default()
        })
    }

    async fn set_data_source_share(
        &self,
        ctx: &RequestContext,
        _: SetDataSourceShareRequest,
    ) -> Result<SetDataSourceShareResponse, SetDataSourceShareError> {
        self.enter(
            ctx,
            Received::DataSource("SetDataSourceShare"),
            SetDataSourceShareError::CODES,
            SetDataSourceShareError::from_code,
        )
        .await?;
        Ok(SetDataSourceShareResponse {
            success: true,
            ..Default::default()
        })
    }
}

/// One `after` call.
#[derive(Debug, Clone)]
pub struct HookRecord {
    pub operation: Operation,
    pub request_id: String,
    pub status: u16,
    pub error_code: Option<String>,
    pub latency: Duration,
}

/// Hooks that record what they see.
#[derive(Default)]
pub struct RecordingHooks {
    pub before: Mutex<Vec<(Operation, String)>>,
    pub after: Mutex<Vec<HookRecord>>,
}

impl OperationHooks for RecordingHooks {
    fn before(&self, operation: Operation, request_id: &RequestId) {
        self.before
            .lock()
            .unwrap()
            .push((operation, request_id.to_string()));
    }

    fn after(&self, operation: Operation, request_id: &RequestId, outcome: &Outcome<'_>) {
        self.after.lock().unwrap().push(HookRecord {
            operation,
            request_id: request_id.to_string(),
            status: outcome.status.as_u16(),
            error_code: outcome.error_code.map(str::to_owned),
            latency: outcome.latency,
        });
    }
}

/// A running server and a client for it.
pub struct Server {
    pub base: String,
    pub host: String,
    pub api: Arc<TestApi>,
    pub hooks: Arc<RecordingHooks>,
    pub http: reqwest::Client,
}

/// How a request is signed and where its parameters travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// v1 signature, everything in the query.
    V1Query,
    /// v1 signature, everything in a form body (pop-core's POST).
    V1Form,
    /// V3 signature: API parameters in the query, Action/Version only in `x-acs-*` headers.
    V3Headers,
}

pub const STYLES: [Style; 3] = [Style::V1Query, Style::V1Form, Style::V3Headers];

/// An answer as received.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The error envelope, in whichever format the Content-Type says.
    pub fn error(&self) -> ErrorEnvelope {
        let format = if self.header("content-type") == Some("text/xml;charset=utf-8") {
            Format::Xml
        } else {
            assert_eq!(
                self.header("content-type"),
                Some("application/json;charset=utf-8"),
                "{self:?}"
            );
            Format::Json
        };
        let envelope = decode_error(format, self.body.as_bytes())
            .unwrap_or_else(|| panic!("not an error envelope: {self:?}"));
        assert_eq!(
            Some(envelope.request_id.as_str()),
            self.header("x-acs-request-id"),
            "RequestId and header differ"
        );
        envelope
    }

    /// Asserts an error answer with `status` and `code` and returns its message.
    pub fn expect_error(&self, status: u16, code: &str) -> String {
        let envelope = self.error();
        assert_eq!(
            (self.status, envelope.code.as_str()),
            (status, code),
            "{self:?}"
        );
        envelope.message
    }
}

impl Server {
    pub async fn start() -> Server {
        Server::start_with(|config| config).await
    }

    pub async fn start_with(
        configure: impl FnOnce(
            ServerConfig<Keys, InMemoryNonceStore>,
        ) -> ServerConfig<Keys, InMemoryNonceStore>,
    ) -> Server {
        let api = Arc::new(TestApi::default());
        let hooks = Arc::new(RecordingHooks::default());
        let verifier = Verifier::new(Keys::standard(), InMemoryNonceStore::new(100_000));
        let config = ServerConfig::new(verifier)
            .with_host_id("test-host")
            .with_hooks(hooks.clone());
        let app = router(api.clone(), configure(config)).layer(
            // A tower layer that reads the operation from the answer's extensions.
            axum::middleware::map_response(|mut response: axum::response::Response| async move {
                if let Some(op) = response.extensions().get::<Operation>().copied() {
                    response
                        .headers_mut()
                        .insert("x-test-operation", op.as_str().parse().unwrap());
                }
                response
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Server {
            base: format!("http://{addr}"),
            host: addr.to_string(),
            api,
            hooks,
            http: reqwest::Client::new(),
        }
    }

    /// A signed request for `action` with API parameters `params`, as `style` sends it.
    pub fn signed(
        &self,
        method: Method,
        style: Style,
        action: &str,
        params: &[(&str, &str)],
    ) -> reqwest::RequestBuilder {
        self.signed_with(method, style, action, VERSION, params, KEY_ID, SECRET)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn signed_with(
        &self,
        method: Method,
        style: Style,
        action: &str,
        version: &str,
        params: &[(&str, &str)],
        key_id: &str,
        secret: &str,
    ) -> reqwest::RequestBuilder {
        let params: Vec<(String, String)> = params
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect();
        let credentials = Credentials::new(key_id, secret);
        let nonce = new_nonce();
        let scheme = match style {
            Style::V1Query | Style::V1Form => SignatureVersion::V1,
            Style::V3Headers => SignatureVersion::V3,
        };
        let signed = sign_request(&SignRequest {
            method: &method,
            host: &self.host,
            action,
            version,
            params: &params,
            credentials: &credentials,
            scheme,
            nonce: &nonce,
            timestamp: time::OffsetDateTime::now_utc(),
        })
        .expect("signable");
        let mut builder = match style {
            Style::V1Form => self
                .http
                .request(method, format!("{}/", self.base))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(signed.query.clone()),
            _ => self
                .http
                .request(method, format!("{}/?{}", self.base, signed.query)),
        };
        for (name, value) in &signed.headers {
            // v1's routing headers are not signed: only V3 relies on them.
            if scheme == SignatureVersion::V1 {
                continue;
            }
            builder = builder.header(name.clone(), value.clone());
        }
        builder
    }

    /// A raw request to `path_and_query` (nothing signed).
    pub fn raw(&self, method: Method, path_and_query: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{}", self.base, path_and_query))
    }
}

pub async fn send(builder: reqwest::RequestBuilder) -> Answer {
    let response = builder.send().await.expect("server answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.text().await.expect("body is text");
    Answer {
        status,
        headers,
        body,
    }
}

/// The spec, as data: the tests' oracle, read independently of the generator.
pub struct Spec(Value);

/// One API parameter of an operation (common ones excluded).
#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub required: bool,
    pub schema: Value,
    pub example: String,
}

impl Spec {
    pub fn load() -> Spec {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../spec/dataworks.yaml");
        let text = std::fs::read_to_string(path).expect("spec readable");
        let yaml: serde_yaml::Value = serde_yaml::from_str(&text).expect("spec is YAML");
        Spec(serde_json::to_value(yaml).expect("spec as JSON"))
    }

    fn resolve<'a>(&'a self, mut v: &'a Value) -> &'a Value {
        while let Some(r) = v.get("$ref").and_then(Value::as_str) {
            let mut target = &self.0;
            for part in r.trim_start_matches("#/").split('/') {
                target = &target[part];
            }
            v = target;
        }
        v
    }

    /// The operations' actions, in spec order.
    pub fn actions(&self) -> Vec<String> {
        self.0["paths"]
            .as_object()
            .unwrap()
            .keys()
            .filter_map(|p| p.strip_prefix("/#Action=").map(str::to_owned))
            .collect()
    }

    /// The GET operation object of `action`.
    fn operation(&self, action: &str) -> &Value {
        &self.0["paths"][format!("/#Action={action}")]["get"]
    }

    /// The API parameters of `action` (not Action, Version, Format, RegionId).
    pub fn params(&self, action: &str) -> Vec<Param> {
        self.operation(action)["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| self.resolve(p))
            .filter(|p| {
                !["Action", "Version", "Format", "RegionId"].contains(&p["name"].as_str().unwrap())
            })
            .map(|p| Param {
                name: p["name"].as_str().unwrap().to_owned(),
                required: p["required"].as_bool().unwrap_or(false),
                schema: self.resolve(&p["schema"]).clone(),
                example: match &p["example"] {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                },
            })
            .collect()
    }

    /// Valid values for every required parameter (the spec's examples).
    pub fn valid_required(&self, action: &str) -> Vec<(String, String)> {
        self.params(action)
            .into_iter()
            .filter(|p| p.required)
            .map(|p| (p.name, p.example))
            .collect()
    }

    /// `(httpStatus, code)` of every documented error of `action`: its own, then the common ones.
    pub fn error_codes(&self, action: &str) -> Vec<(u16, String)> {
        let own = self.operation(action)["x-acs-error-codes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let common = self.0["x-acs-common-errors"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut out: Vec<(u16, String)> = Vec::new();
        for e in own.iter().chain(common.iter()) {
            let e = self.resolve(e);
            let code = e["code"].as_str().unwrap().to_owned();
            if !out.iter().any(|(_, c)| *c == code) {
                out.push((e["httpStatus"].as_u64().unwrap() as u16, code));
            }
        }
        out
    }
}

/// Borrowed pairs for [`Server::signed`].
pub fn pairs(owned: &[(String, String)]) -> Vec<(&str, &str)> {
    owned
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}
