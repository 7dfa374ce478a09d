//! The RPC router (`/?Action=X&Version=V`): one `/` route (or the spec's routes, see
//! [`RpcService::ROUTES`]) for GET, POST and PUT that reads the parameters, resolves `Action` and `Version`, authenticates, then hands the request to the
//! generated [`RpcService::call`], which matches on the operation (no boxing, no lookup table).
//!
//! Order of checks, each answered in the envelope: method (405 with `Allow`) -> body limit (413)
//! -> parameters (query + form body) -> `Action` (`MissingParameter` / `InvalidAction.NotFound`)
//! -> `Version` (`MissingParameter` / `InvalidVersion`) -> the `before` hook -> the signature
//! (the configured `Verifier`) -> `Format` (when the spec declares it) -> the generated glue
//! (parameter validation, the trait method, the answer). A deadline covers everything (408).

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use acs_protocol::answer::{Format, RequestId};
use acs_protocol::auth::{Caller, CredentialLookup, IncomingRequest, NonceStore, Verifier};
use acs_protocol::params::{Params, ACTION_HEADER, VERSION_HEADER};
use acs_protocol::AcsError;
use acs_types::ParamError;
use serde::Serialize;

use crate::answer::{
    deadline, error_answer, finish, invalid_value, method_not_allowed, query_format, read_body,
    Conclusion, HttpAnswer, ProtocolErrors,
};
use crate::{ApiOperation, ServerConfig};

/// What the spec says about an RPC API beyond its operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RpcSpec {
    /// The `Version` every request must name.
    pub version: &'static str,
    /// The codes of the runtime's own 413 and 408 answers.
    pub errors: ProtocolErrors,
    /// The spec declares the `Format` parameter: a value other than JSON or XML (any case) is
    /// `InvalidParameter`.
    pub format_parameter: bool,
    /// The spec declares the `RegionId` parameter: it is handed over in the context.
    pub region_parameter: bool,
}

/// What the generated layer knows about a request when it calls the trait: business code
/// never sees raw HTTP. Built only after authentication and validation succeeded.
#[derive(Debug, Clone)]
pub struct RequestContext<O> {
    /// This request's id; the answer's `RequestId` and `x-acs-request-id` (the generated
    /// layer writes it into the answer, implementers need not fill `RequestId`).
    pub request_id: RequestId,
    /// Who signed the request (from the configured credential lookup).
    pub caller: Caller,
    /// The `RegionId` parameter, when given.
    pub region_id: Option<String>,
    /// The answer format the request asked for.
    pub format: Format,
    /// The operation being served.
    pub operation: O,
}

/// The generated part of an RPC server: the spec's facts and the per-operation glue (decode the
/// parameters, call the trait, encode the answer or the typed error).
pub trait RpcService: Send + Sync + 'static {
    /// The generated `Operation` enum.
    type Operation: ApiOperation;
    /// The spec's version and protocol codes.
    const SPEC: RpcSpec;

    /// The paths RPC requests are served at: `/`, and the paths before `#` of pseudo-paths
    /// such as `/{AccountNumber}/{QueueName}/#Action=X` (axum syntax; their parameters are
    /// added to the request's parameters under their names).
    const ROUTES: &'static [&'static str] = &["/"];

    /// The operation an `Action` names, `None` for an unknown one.
    fn operation(action: &str) -> Option<Self::Operation>;

    /// Whether `operation` is served at `route` (one of [`Self::ROUTES`]); another route
    /// answers it like an unknown action.
    fn serves(operation: Self::Operation, route: &str) -> bool {
        let _ = (operation, route);
        true
    }

    /// Serves `ctx.operation` for an authenticated request with `params`.
    fn call(
        &self,
        ctx: RequestContext<Self::Operation>,
        params: &Params,
    ) -> impl Future<Output = Result<HttpAnswer, AcsError>> + Send;
}

/// The router: [`RpcService::ROUTES`] (`/`) for GET, POST and PUT (everything else 405 with
/// `Allow`), any other path 404, every answer in the API's envelope. Add tower layers to the
/// result as usual.
pub fn router<S, L, N>(
    service: S,
    config: ServerConfig<S::Operation, Verifier<L, N>>,
) -> axum::Router
where
    S: RpcService,
    L: CredentialLookup + 'static,
    N: NonceStore + 'static,
{
    let shared = Arc::new(Shared { service, config });
    S::ROUTES
        .iter()
        .fold(axum::Router::new(), |router, route| {
            router.route(route, axum::routing::any(entry::<S, L, N>))
        })
        .fallback(path_not_found::<S, L, N>)
        .with_state(shared)
}

/// `MissingParameter` / `InvalidParameter` naming the parameter.
pub fn param_error(e: ParamError) -> AcsError {
    match e {
        ParamError::Missing { name } => AcsError::missing_parameter(name),
        ParamError::Invalid { name, reason } => invalid_value(name, &reason),
    }
}

/// The success answer of `action` with `body`, in the format the request asked for.
pub fn answer<O, B: Serialize + ?Sized>(
    ctx: &RequestContext<O>,
    action: &str,
    body: &B,
) -> HttpAnswer {
    acs_protocol::answer::render_success(action, &ctx.request_id, body, ctx.format)
}

/// The success answer of an `action` whose spec documents no body.
pub fn empty_answer<O>(ctx: &RequestContext<O>, action: &str) -> HttpAnswer {
    answer(ctx, action, &serde_json::Map::new())
}

/// What every request handler shares.
struct Shared<S: RpcService, L, N> {
    service: S,
    config: ServerConfig<S::Operation, Verifier<L, N>>,
}

type SharedState<S, L, N> = axum::extract::State<Arc<Shared<S, L, N>>>;

async fn path_not_found<S: RpcService, L, N>(
    axum::extract::State(shared): SharedState<S, L, N>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let request_id = RequestId::new();
    let format = query_format(request.uri().query());
    finish::<()>(
        error_answer(
            &AcsError::action_not_found(),
            &request_id,
            &shared.config.host_id,
            format,
        ),
        None,
    )
}

/// `MissingParameter` for an absent `Action`/`Version` (parameter, else `x-acs-*` header),
/// `InvalidAction.NotFound` for an unknown action, `InvalidVersion` for another version.
fn resolve_operation<S: RpcService>(
    params: &Params,
    headers: &http::HeaderMap,
) -> Result<S::Operation, AcsError> {
    let pick = |param: &str, header: &str| {
        params.get(param).or_else(|| {
            headers
                .get(header)
                .and_then(|v| v.to_str().ok())
                .filter(|v| !v.is_empty())
        })
    };
    let action =
        pick("Action", ACTION_HEADER).ok_or_else(|| AcsError::missing_parameter("Action"))?;
    let operation = S::operation(action).ok_or_else(AcsError::action_not_found)?;
    let version =
        pick("Version", VERSION_HEADER).ok_or_else(|| AcsError::missing_parameter("Version"))?;
    if version != S::SPEC.version {
        return Err(AcsError::invalid_version());
    }
    Ok(operation)
}

async fn entry<S, L, N>(
    axum::extract::State(shared): SharedState<S, L, N>,
    route: axum::extract::MatchedPath,
    path: Result<axum::extract::RawPathParams, axum::extract::rejection::RawPathParamsRejection>,
    request: axum::extract::Request,
) -> axum::response::Response
where
    S: RpcService,
    L: CredentialLookup + 'static,
    N: NonceStore + 'static,
{
    let started = Instant::now();
    let request_id = RequestId::new();
    let shared = &*shared;
    let config = &shared.config;
    let errors = &S::SPEC.errors;
    let (parts, body) = request.into_parts();
    if !matches!(
        parts.method,
        http::Method::GET | http::Method::POST | http::Method::PUT
    ) {
        let format = query_format(parts.uri.query());
        return method_not_allowed(&request_id, &config.host_id, format, "GET, POST, PUT");
    }
    let deadline = deadline(started, config.timeout);
    let fail = |error: AcsError, format: Format| {
        finish::<()>(
            error_answer(&error, &request_id, &config.host_id, format),
            None,
        )
    };
    let body =
        match tokio::time::timeout_at(deadline, read_body(body, config.body_limit, errors)).await {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(e)) => return fail(e, query_format(parts.uri.query())),
            Err(_) => return fail(errors.timed_out(), query_format(parts.uri.query())),
        };
    let content_type = parts
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let params = match Params::from_parts(parts.uri.query(), content_type, &body) {
        Ok(params) => params,
        Err(e) => return fail(e, query_format(parts.uri.query())),
    };
    let format = Format::from_params(&params);
    let operation = match resolve_operation::<S>(&params, &parts.headers) {
        Ok(operation) if S::serves(operation, route.as_str()) => operation,
        Ok(_) => return fail(AcsError::action_not_found(), format),
        Err(e) => return fail(e, format),
    };
    // A path that is not UTF-8 once decoded cannot name a parameter value.
    let path_params: Vec<(&str, &str)> = match &path {
        Ok(path) => path.iter().collect(),
        Err(_) => return fail(AcsError::action_not_found(), format),
    };
    config.hooks.before(operation, &request_id);
    let served = tokio::time::timeout_at(
        deadline,
        dispatch(
            shared,
            operation,
            &parts,
            RequestParams {
                signed: &params,
                path: &path_params,
            },
            &body,
            &request_id,
            format,
        ),
    )
    .await;
    let result = served.unwrap_or_else(|_| Err(errors.timed_out()));
    Conclusion {
        hooks: &*config.hooks,
        operation,
        request_id: &request_id,
        started,
        host_id: &config.host_id,
        format,
    }
    .conclude(result, None)
}

/// A request's parameters: query and form body (what the signature covers), and those of the
/// path of an RPC route with parameters.
struct RequestParams<'a> {
    signed: &'a Params,
    path: &'a [(&'a str, &'a str)],
}

/// Authenticates, checks `Format` and calls the generated glue for one resolved operation.
async fn dispatch<S, L, N>(
    shared: &Shared<S, L, N>,
    operation: S::Operation,
    parts: &http::request::Parts,
    params: RequestParams<'_>,
    body: &[u8],
    request_id: &RequestId,
    format: Format,
) -> Result<HttpAnswer, AcsError>
where
    S: RpcService,
    L: CredentialLookup + 'static,
    N: NonceStore + 'static,
{
    let RequestParams {
        signed: params,
        path: path_params,
    } = params;
    let incoming = IncomingRequest {
        method: &parts.method,
        headers: &parts.headers,
        params,
        body,
    };
    let caller = shared.config.verifier.verify(&incoming).await?;
    if S::SPEC.format_parameter {
        // The spec's pattern for `Format`: JSON or XML in any case.
        if let Some(value) = params.get("Format") {
            if !value.eq_ignore_ascii_case("json") && !value.eq_ignore_ascii_case("xml") {
                return Err(AcsError::invalid_parameter(
                    "Format",
                    "The value must be JSON or XML.",
                ));
            }
        }
    }
    let region_id = if S::SPEC.region_parameter {
        params.get("RegionId").map(ToOwned::to_owned)
    } else {
        None
    };
    let ctx = RequestContext {
        request_id: request_id.clone(),
        caller,
        region_id,
        format,
        operation,
    };
    if path_params.is_empty() {
        return shared.service.call(ctx, params).await;
    }
    // The signature covers the query and body only (the path is part of the canonical URI);
    // the operation reads the path's parameters beside them.
    let params = params
        .clone()
        .with_path_params(path_params.iter().copied())?;
    shared.service.call(ctx, &params).await
}
