//! The middleware around the generated RPC router: injects the faults registered for the call's
//! `Action` and records the call in the request log.

use std::time::Instant;

use acs_protocol::answer::{decode_error, render_error, Format, RequestId, REQUEST_ID_HEADER};
use acs_protocol::params::Params;
use acs_protocol::AcsError;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::{mask_parameter, Entry, Fault, TestControls};

/// Largest request body read here; the router's own (smaller) limit still applies after.
const BODY_LIMIT: usize = 8 * 1024 * 1024;
/// The header V3 requests may carry the action in.
const ACTION_HEADER: &str = "x-acs-action";
/// `HostId` of injected error answers.
const HOST_ID: &str = "dataworks-server test controls";

pub(super) async fn record_and_inject(
    State(controls): State<TestControls>,
    request: Request,
    next: Next,
) -> Response {
    // Not an API call (another path without an Action): the router's own 404, unrecorded.
    let query_action = request.uri().query().is_some_and(|q| q.contains("Action="));
    if request.uri().path() != "/"
        && !query_action
        && !request.headers().contains_key(ACTION_HEADER)
    {
        return next.run(request).await;
    }
    let started = Instant::now();
    let time = OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default();
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(body) => body,
        Err(_) => {
            let error = AcsError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "InvalidParameter",
                "The request body is too large.",
            );
            return render_error(&error, &RequestId::new(), HOST_ID, Format::Json).map(Body::from);
        }
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let params = Params::from_parts(parts.uri.query(), content_type, &body).ok();
    let format = params
        .as_ref()
        .map(Format::from_params)
        .unwrap_or(Format::Json);
    let action = params
        .as_ref()
        .and_then(|p| p.get("Action"))
        .map(str::to_owned)
        .or_else(|| header_text(&parts.headers, ACTION_HEADER))
        .unwrap_or_default();
    let mut entry = Entry {
        time,
        action: action.clone(),
        method: parts.method.to_string(),
        parameters: params.as_ref().map(masked_parameters).unwrap_or_default(),
        access_key_id: params
            .as_ref()
            .and_then(|p| p.get("AccessKeyId"))
            .map(str::to_owned)
            .or_else(|| v3_access_key_id(&parts.headers)),
        code: None,
        http_status: None,
        latency_ms: 0.0,
        request_id: None,
        fault_injected: false,
        fault_id: None,
    };
    let fault = controls.faults().hit(&action);
    let response: Answer = match fault {
        Some(fault) => {
            entry.fault_injected = true;
            entry.fault_id = Some(fault.id);
            tokio::time::sleep(fault.latency()).await;
            match injected(&fault, format) {
                Some(answer) => answer,
                None => next
                    .run(Request::from_parts(parts, Body::from(body)))
                    .await
                    .into(),
            }
        }
        None => next
            .run(Request::from_parts(parts, Body::from(body)))
            .await
            .into(),
    };
    let (response, dropped) = match response {
        Answer::Dropped => (dropped_connection(), true),
        Answer::Full(response) => (response, false),
    };
    let response = if dropped {
        response
    } else {
        let (head, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX)
            .await
            .unwrap_or_default();
        let envelope = decode_error(format_of(&head.headers).unwrap_or(format), &bytes);
        entry.http_status = Some(head.status.as_u16());
        entry.code = Some(
            envelope
                .as_ref()
                .map(|e| e.code.clone())
                .unwrap_or_else(|| "Success".to_owned()),
        );
        entry.request_id = header_text(&head.headers, REQUEST_ID_HEADER)
            .or_else(|| envelope.map(|e| e.request_id).filter(|id| !id.is_empty()));
        Response::from_parts(head, Body::from(bytes))
    };
    entry.latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    controls.log().push(entry);
    response
}

/// What the middleware hands back: an answer, or nothing at all.
enum Answer {
    Full(Response),
    Dropped,
}

impl From<Response> for Answer {
    fn from(response: Response) -> Self {
        Answer::Full(response)
    }
}

/// The fault's own answer (`None`: the call is served after the fault's latency).
fn injected(fault: &Fault, format: Format) -> Option<Answer> {
    if fault.drop {
        return Some(Answer::Dropped);
    }
    let code = fault.code.clone()?;
    let status = StatusCode::from_u16(fault.http_status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let error = AcsError::new(status, code, fault.message.clone());
    let mut answer = render_error(&error, &RequestId::new(), HOST_ID, format).map(Body::from);
    if let Some(ms) = fault.retry_after_ms {
        answer
            .headers_mut()
            .insert("x-acs-retry-after", HeaderValue::from(ms));
    }
    Some(Answer::Full(answer))
}

/// An answer whose body fails before its first byte: hyper then closes the connection, and the
/// client sees it end without a (complete) answer, as when a load balancer drops it.
fn dropped_connection() -> Response {
    let failing = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("connection dropped by a test fault"))
    });
    let mut response = Response::new(Body::from_stream(failing));
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The AccessKey id of a V3 `Authorization: ACS3-HMAC-SHA256 Credential=ID,...` header.
fn v3_access_key_id(headers: &HeaderMap) -> Option<String> {
    let value = header_text(headers, header::AUTHORIZATION.as_str())?;
    let start = value.find("Credential=")? + "Credential=".len();
    let rest = &value[start..];
    let end = rest.find([',', ' ']).unwrap_or(rest.len());
    Some(rest[..end].to_owned()).filter(|id| !id.is_empty())
}

/// The answer's format from its content type.
fn format_of(headers: &HeaderMap) -> Option<Format> {
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(if content_type.contains("xml") {
        Format::Xml
    } else {
        Format::Json
    })
}

fn masked_parameters(params: &Params) -> Map<String, Value> {
    params
        .iter()
        .map(|(name, value)| (name.to_owned(), Value::String(mask_parameter(name, value))))
        .collect()
}
