//! The reference server: what UpdateConnection costs when written by hand with no generated
//! layer and no service abstractions — parse the parameters, verify the V3 or V1 signature
//! (with the nonce replay check), seal the Content secrets with AES-256-GCM (a masked secret
//! keeps the stored one: read, merge, write if the row did not change), run one UPDATE that
//! carries its authorization and keeps the exact TotalCount, answer JSON. It also serves
//! ListConnections with every filter and an exact TotalCount, and CreateConnection (to
//! provision). Its schema is its own (`schema/`), as a good engineer would hand-write it for
//! the same API semantics: no triggers; counts kept by the write itself, in 64 shards per key
//! on PostgreSQL.
//!
//! It is a yardstick for benchmarks, not a product: errors are terse, AccessKeys are cached for
//! the life of the process and nonces are never forgotten.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};
use time::OffsetDateTime;

pub mod auth;
pub mod pg;
pub mod seal;
pub mod sqlite;
pub mod store;

use auth::{AuthError, Key, KeyCache, NonceSet};
use seal::Sealer;
use store::{Create, ListQuery, Store, StoreError, Update};

/// The only API version.
const VERSION: &str = "2020-05-18";
/// Java-style time text of the answers (`Mar 17, 2021 4:09:32 PM`).
const GMT_FORMAT: &[time::format_description::FormatItem<'static>] = time::macros::format_description!(
    "[month repr:short] [day padding:none], [year] [hour repr:12 padding:none]:[minute]:[second] [period]"
);

/// Why the reference could not start.
#[derive(Debug, thiserror::Error)]
pub enum ReferenceError {
    /// Storage.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Listening.
    #[error("listening on {0}: {1}")]
    Listen(String, std::io::Error),
}

struct App {
    store: Store,
    sealer: Sealer,
    keys: KeyCache,
    nonces: NonceSet,
}

/// Opens the database (bootstrapping an empty one and printing its AccessKey like
/// `dataworks-server` does), then serves on `listen` until the process is stopped.
pub async fn run(
    database: &str,
    listen: &str,
    master_key: &[u8; 32],
) -> Result<(), ReferenceError> {
    let store = Store::open(database).await?;
    let sealer = Sealer::new(master_key);
    let key_id = format!(
        "LTAIref{}",
        &uuid::Uuid::new_v4().simple().to_string()[..17]
    );
    let secret = uuid::Uuid::new_v4().simple().to_string();
    if let Some(project) = store.bootstrap(&key_id, &sealer.seal(&secret)).await? {
        println!("ProjectId={project}\nAccessKeyId={key_id}\nAccessKeySecret={secret}");
    }
    let app = Arc::new(App {
        store,
        sealer,
        keys: KeyCache::default(),
        nonces: NonceSet::default(),
    });
    let router = Router::new().fallback(handle).with_state(app);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| ReferenceError::Listen(listen.to_owned(), e))?;
    axum::serve(listener, router)
        .await
        .map_err(|e| ReferenceError::Listen(listen.to_owned(), e))
}

fn request_id() -> String {
    uuid::Uuid::new_v4()
        .hyphenated()
        .to_string()
        .to_ascii_uppercase()
}

fn answer(status: u16, request_id: &str, body: &Value) -> Response {
    let mut response = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        body.to_string(),
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("x-acs-request-id", v);
    }
    response
}

fn error(status: u16, request_id: &str, code: &str, message: &str) -> Response {
    answer(
        status,
        request_id,
        &json!({"RequestId": request_id, "HostId": "localhost", "Code": code, "Message": message,
                "Recommend": ""}),
    )
}

fn auth_error(request_id: &str, e: AuthError) -> Response {
    let (status, code, message) = e.answer();
    error(status, request_id, code, message)
}

/// Parameters: decoded query, then a form body's when there is one; and how many came from the
/// query (the V3 signature covers those).
fn params(query: Option<&str>, headers: &HeaderMap, body: &[u8]) -> (Vec<(String, String)>, usize) {
    let mut out: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    let from_query = out.len();
    let is_form = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if is_form {
        out.extend(form_urlencoded::parse(body).map(|(n, v)| (n.into_owned(), v.into_owned())));
    }
    (out, from_query)
}

fn get<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

async fn key(app: &App, id: &str) -> Result<Option<Key>, StoreError> {
    if let Some(key) = app.keys.get(id) {
        return Ok(Some(key));
    }
    let Some(stored) = app.store.find_key(id).await? else {
        return Ok(None);
    };
    let Some(secret) = app.sealer.open(&stored.sealed_secret) else {
        return Ok(None);
    };
    if !stored.active {
        return Ok(None);
    }
    let key = Key {
        secret: acs_protocol::secret::AccessKeySecret::new(secret),
        user_id: stored.user_id,
    };
    app.keys.put(id, key.clone());
    Ok(Some(key))
}

/// A parameter that must parse, or the answer naming it.
enum Bad {
    Missing(&'static str),
    Invalid(&'static str),
}

fn required<'a>(p: &'a [(String, String)], name: &'static str) -> Result<&'a str, Bad> {
    get(p, name)
        .filter(|v| !v.is_empty())
        .ok_or(Bad::Missing(name))
}

fn number<T: std::str::FromStr>(p: &[(String, String)], name: &'static str) -> Result<T, Bad> {
    required(p, name)?.parse().map_err(|_| Bad::Invalid(name))
}

fn env_type(p: &[(String, String)]) -> Result<i32, Bad> {
    match number::<i32>(p, "EnvType")? {
        v @ (0 | 1) => Ok(v),
        _ => Err(Bad::Invalid("EnvType")),
    }
}

fn status(p: &[(String, String)]) -> Result<Option<i32>, Bad> {
    match get(p, "Status").filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if v.eq_ignore_ascii_case("ENABLED") || v == "0" || v == "1" => Ok(Some(1)),
        Some(v) if v.eq_ignore_ascii_case("DISABLED") || v == "2" => Ok(Some(2)),
        Some(_) => Err(Bad::Invalid("Status")),
    }
}

fn bad(request_id: &str, b: Bad) -> Response {
    match b {
        Bad::Missing(name) => error(
            400,
            request_id,
            "MissingParameter",
            &format!("The input parameter \"{name}\" that is mandatory for processing this request is not supplied."),
        ),
        Bad::Invalid(name) => error(
            400,
            request_id,
            "InvalidParameter",
            &format!("The specified parameter \"{name}\" is not valid."),
        ),
    }
}

fn internal(request_id: &str, e: &StoreError) -> Response {
    eprintln!("reference-server: request {request_id}: {e}");
    error(
        500,
        request_id,
        "InternalError",
        "The request processing has failed due to some unknown error.",
    )
}

async fn handle(
    State(app): State<Arc<App>>,
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let request_id = request_id();
    if !matches!(method, Method::GET | Method::POST | Method::PUT) {
        return error(
            405,
            &request_id,
            "MethodNotAllowed",
            "Use GET, POST or PUT.",
        );
    }
    let (params, from_query) = params(query.as_deref(), &headers, &body);
    let action = headers
        .get("x-acs-action")
        .and_then(|v| v.to_str().ok())
        .or_else(|| get(&params, "Action"))
        .unwrap_or("")
        .to_owned();
    let version = headers
        .get("x-acs-version")
        .and_then(|v| v.to_str().ok())
        .or_else(|| get(&params, "Version"));
    if version != Some(VERSION) {
        return error(
            400,
            &request_id,
            "InvalidVersion",
            "Specified parameter Version is not valid.",
        );
    }
    let key = if headers.contains_key(http::header::AUTHORIZATION) {
        let signed = match auth::precheck(&headers, &body) {
            Ok(s) => s,
            Err(e) => return auth_error(&request_id, e),
        };
        let key = match key(&app, signed.access_key_id).await {
            Ok(Some(k)) => k,
            Ok(None) => return auth_error(&request_id, AuthError::UnknownKey),
            Err(e) => return internal(&request_id, &e),
        };
        if let Err(e) = auth::verify(
            &signed,
            &key,
            method.as_str(),
            &params[..from_query],
            &headers,
            &app.nonces,
        ) {
            return auth_error(&request_id, e);
        }
        key
    } else {
        let signed = match auth::precheck_v1(&params[..from_query]) {
            Ok(s) => s,
            Err(e) => return auth_error(&request_id, e),
        };
        let key = match key(&app, signed.access_key_id).await {
            Ok(Some(k)) => k,
            Ok(None) => return auth_error(&request_id, AuthError::UnknownKey),
            Err(e) => return internal(&request_id, &e),
        };
        if let Err(e) = auth::verify_v1(
            &signed,
            &key,
            method.as_str(),
            &params[..from_query],
            &app.nonces,
        ) {
            return auth_error(&request_id, e);
        }
        key
    };
    let result = match action.as_str() {
        "UpdateConnection" => update(&app, &key, &params, &request_id).await,
        "ListConnections" => list(&app, &key, &params, &request_id).await,
        "CreateConnection" => create(&app, &key, &params, &request_id).await,
        _ => Ok(error(
            404,
            &request_id,
            "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.",
        )),
    };
    result.unwrap_or_else(|b| bad(&request_id, b))
}

async fn update(
    app: &App,
    key: &Key,
    p: &[(String, String)],
    request_id: &str,
) -> Result<Response, Bad> {
    let connection_id: i64 = number(p, "ConnectionId")?;
    let env_type = env_type(p)?;
    let status = status(p)?;
    let map = seal::parse_content(required(p, "Content")?).ok_or(Bad::Invalid("Content"))?;
    let mut change = Update {
        user_id: key.user_id,
        connection_id,
        content: String::new(),
        env_type,
        description: get(p, "Description").map(str::to_owned),
        status,
        now: OffsetDateTime::now_utc(),
        expected_version: None,
    };
    let outcome = if seal::has_mask(&map) {
        // Read the stored secrets, merge, write only if nobody wrote in between (retry).
        let mut outcome = Ok(None);
        for _ in 0..8 {
            let stored = match app.store.stored_content(key.user_id, connection_id).await {
                Ok(Some(s)) => s,
                Ok(None) => break,
                Err(e) => return Ok(internal(request_id, &e)),
            };
            change.content = seal::seal_map(map.clone(), Some(&stored.0), &app.sealer)
                .ok_or(Bad::Invalid("Content"))?;
            change.expected_version = Some(stored.1);
            outcome = app.store.update(change.clone()).await;
            if !matches!(outcome, Ok(None)) {
                break;
            }
        }
        outcome
    } else {
        change.content = seal::seal_map(map, None, &app.sealer).ok_or(Bad::Invalid("Content"))?;
        app.store.update(change).await
    };
    Ok(match outcome {
        Ok(Some(_)) => answer(
            200,
            request_id,
            &json!({"RequestId": request_id, "HttpStatusCode": "200", "Data": true, "Success": true}),
        ),
        Ok(None) => error(
            400,
            request_id,
            "Invalid.Tenant.ConnectionNotExists",
            "The connection does not exist.",
        ),
        Err(StoreError::Conflict) => error(400, request_id, "InvalidParameter", "name taken"),
        Err(e) => internal(request_id, &e),
    })
}

async fn create(
    app: &App,
    key: &Key,
    p: &[(String, String)],
    request_id: &str,
) -> Result<Response, Bad> {
    let project_id: i64 = number(p, "ProjectId")?;
    let content =
        seal::seal_content(required(p, "Content")?, &app.sealer).ok_or(Bad::Invalid("Content"))?;
    let new = Create {
        user_id: key.user_id,
        project_id,
        name: required(p, "Name")?.to_owned(),
        connection_type: required(p, "ConnectionType")?.to_owned(),
        sub_type: get(p, "SubType")
            .filter(|v| !v.is_empty())
            .map(str::to_owned),
        description: get(p, "Description").unwrap_or("").to_owned(),
        env_type: env_type(p)?,
        content,
        now: OffsetDateTime::now_utc(),
    };
    Ok(match app.store.create(new).await {
        Ok(Some(id)) => answer(
            200,
            request_id,
            &json!({"RequestId": request_id, "HttpStatusCode": "200", "Data": id, "Success": true}),
        ),
        Ok(None) => error(
            403,
            request_id,
            "Invalid.Tenant.UserIsNotProjectOwnerOrAdmin",
            "The user is not a project administrator or owner.",
        ),
        Err(StoreError::Conflict) => error(400, request_id, "InvalidParameter", "name taken"),
        Err(e) => internal(request_id, &e),
    })
}

fn gmt(t: OffsetDateTime) -> String {
    t.format(GMT_FORMAT).unwrap_or_default()
}

async fn list(
    app: &App,
    key: &Key,
    p: &[(String, String)],
    request_id: &str,
) -> Result<Response, Bad> {
    let project_id: i64 = number(p, "ProjectId")?;
    let page_number: i64 = match get(p, "PageNumber") {
        None => 1,
        Some(_) => number(p, "PageNumber")?,
    };
    let page_size: i64 = match get(p, "PageSize") {
        None => 10,
        Some(_) => number(p, "PageSize")?,
    };
    if page_number < 1 {
        return Err(Bad::Invalid("PageNumber"));
    }
    if !(1..=100).contains(&page_size) {
        return Err(Bad::Invalid("PageSize"));
    }
    let text = |name: &str| get(p, name).filter(|v| !v.is_empty()).map(str::to_owned);
    let query = ListQuery {
        project_id,
        name: text("Name"),
        connection_type: text("ConnectionType"),
        sub_type: text("SubType"),
        status: status(p)?,
        env_type: match get(p, "EnvType").filter(|v| !v.is_empty()) {
            None => None,
            Some(_) => Some(env_type(p)?),
        },
        limit: page_size,
        offset: (page_number - 1) * page_size,
    };
    Ok(match app.store.list(key.user_id, query).await {
        Ok(Some((total, rows))) => {
            let connections: Vec<Value> = rows
                .into_iter()
                .map(|r| {
                    json!({
                        "Id": r.id, "Name": r.name, "ProjectId": r.project_id,
                        "TenantId": r.tenant_id, "ConnectionType": r.connection_type,
                        "SubType": r.sub_type.unwrap_or_default(),
                        "Content": seal::mask_content(&r.content),
                        "Description": r.description, "EnvType": r.env_type,
                        "Status": r.status, "ConnectStatus": r.connect_status,
                        "Shared": r.shared, "Sequence": r.sequence,
                        "BindingCalcEngineId": r.binding_calc_engine_id,
                        "DefaultEngine": r.default_engine, "Operator": r.operator,
                        "GmtCreate": gmt(r.gmt_create), "GmtModified": gmt(r.gmt_modified),
                    })
                })
                .collect();
            answer(
                200,
                request_id,
                &json!({"RequestId": request_id, "HttpStatusCode": 200, "Success": true,
                        "Data": {"PageNumber": page_number, "PageSize": page_size,
                                 "TotalCount": total, "Connections": connections}}),
            )
        }
        Ok(None) => error(
            400,
            request_id,
            "Invalid.Tenant.UserNotInProject",
            "The user is not in the project.",
        ),
        Err(e) => internal(request_id, &e),
    })
}
