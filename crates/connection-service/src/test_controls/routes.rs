//! The `/_test/` endpoints.

use acs_protocol::answer::{render_error, Format, RequestId};
use acs_protocol::AcsError;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{FaultSpec, TestControls};

/// `HostId` of the controls' error answers.
const HOST_ID: &str = "dataworks-server test controls";

pub(super) fn router(controls: TestControls) -> Router {
    if !controls.enabled() {
        return Router::new()
            .route("/_test", any(not_enabled))
            .route("/_test/{*rest}", any(not_enabled));
    }
    Router::new()
        .route("/_test/reset", post(reset))
        .route(
            "/_test/faults",
            post(add_fault).get(list_faults).delete(clear_faults),
        )
        .route("/_test/faults/{id}", delete(remove_fault))
        .route("/_test/requests", get(list_requests).delete(clear_requests))
        .route("/_test", any(unknown))
        .route("/_test/{*rest}", any(unknown))
        .layer(axum::middleware::from_fn_with_state(
            controls.clone(),
            require_token,
        ))
        .with_state(controls)
}

/// An answer in the API's error envelope (JSON).
pub(super) fn envelope(status: StatusCode, code: &'static str, message: String) -> Response {
    render_error(
        &AcsError::new(status, code, message),
        &RequestId::new(),
        HOST_ID,
        Format::Json,
    )
    .map(axum::body::Body::from)
}

async fn not_enabled() -> Response {
    envelope(
        StatusCode::NOT_FOUND,
        "NotFound",
        "The test controls are not enabled: start dataworks-server with --test-controls."
            .to_owned(),
    )
}

async fn unknown() -> Response {
    envelope(
        StatusCode::NOT_FOUND,
        "NotFound",
        "No such test control: /_test/reset, /_test/faults, /_test/faults/{id}, /_test/requests."
            .to_owned(),
    )
}

/// With a token set, `Authorization: Bearer TOKEN` on every request (compared as digests, so the
/// time taken says nothing about the token).
async fn require_token(
    State(controls): State<TestControls>,
    headers: HeaderMap,
    request: Request,
    next: Next,
) -> Response {
    if let Some(token) = &controls.inner.settings.token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if Sha256::digest(given.trim().as_bytes()) != Sha256::digest(token.as_bytes()) {
            return envelope(
                StatusCode::UNAUTHORIZED,
                "Unauthorized",
                "The test controls need the header Authorization: Bearer <token>.".to_owned(),
            );
        }
    }
    next.run(request).await
}

async fn reset(State(controls): State<TestControls>) -> Response {
    if let Err(e) = controls.inner.store.reset_connections().await {
        tracing::error!(error = %e, "test controls: reset failed");
        return envelope(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            "The reset failed; see the server log.".to_owned(),
        );
    }
    controls.faults().clear();
    controls.log().clear();
    Json(json!({"reset": true})).into_response()
}

async fn add_fault(State(controls): State<TestControls>, body: Bytes) -> Response {
    let spec: FaultSpec = match serde_json::from_slice(&body) {
        Ok(spec) => spec,
        Err(e) => {
            return envelope(
                StatusCode::BAD_REQUEST,
                "InvalidParameter",
                format!("The fault is not valid JSON of the documented shape: {e}"),
            )
        }
    };
    match controls.faults().add(spec) {
        Ok(id) => Json(json!({ "id": id })).into_response(),
        Err(reason) => envelope(
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
            format!("The fault is not valid: {reason}"),
        ),
    }
}

async fn list_faults(State(controls): State<TestControls>) -> Response {
    Json(json!({ "faults": controls.faults().list() })).into_response()
}

async fn clear_faults(State(controls): State<TestControls>) -> Response {
    controls.faults().clear();
    StatusCode::NO_CONTENT.into_response()
}

async fn remove_fault(State(controls): State<TestControls>, Path(id): Path<String>) -> Response {
    let removed = id
        .parse::<u64>()
        .is_ok_and(|id| controls.faults().remove(id));
    if removed {
        StatusCode::NO_CONTENT.into_response()
    } else {
        envelope(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("There is no fault with the id {id:?}."),
        )
    }
}

#[derive(Deserialize)]
struct RequestsQuery {
    action: Option<String>,
    limit: Option<String>,
}

async fn list_requests(
    State(controls): State<TestControls>,
    query: Result<Query<RequestsQuery>, QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return envelope(
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
            "The query takes action=NAME and limit=N.".to_owned(),
        );
    };
    let limit = match query.limit.as_deref().map(str::parse::<usize>) {
        None => usize::MAX,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            return envelope(
                StatusCode::BAD_REQUEST,
                "InvalidParameter",
                "The parameter limit must be a non-negative integer.".to_owned(),
            )
        }
    };
    let requests = controls.log().query(query.action.as_deref(), limit);
    Json(json!({ "requests": requests })).into_response()
}

async fn clear_requests(State(controls): State<TestControls>) -> Response {
    controls.log().clear();
    StatusCode::NO_CONTENT.into_response()
}
