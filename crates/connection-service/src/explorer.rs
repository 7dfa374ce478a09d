//! The API Explorer: a page at `/explorer` that builds a form per operation from the generated
//! metadata (`explorer/generated/api.js`, written by `cargo xtask codegen`), signs requests in the
//! browser, shows the signature's parts and writes sample code; and a troubleshoot page at
//! `/explorer/troubleshoot` that the `Recommend` field of every error answer links to.
//!
//! Every asset is compiled into the binary and served with a strict Content-Security-Policy
//! (scripts and styles from this origin only, no inline script, no framing), so the page makes no
//! request to any other origin and a page elsewhere cannot frame it to catch a typed secret.

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_LENGTH, CONTENT_SECURITY_POLICY, CONTENT_TYPE, HOST, REFERRER_POLICY,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

use acs_protocol::answer::{add_recommend, Format, XML_CONTENT_TYPE};

/// Where the page lives.
pub const PATH: &str = "/explorer";
/// The troubleshoot page (`?code=…&requestId=…`).
pub const TROUBLESHOOT_PATH: &str = "/explorer/troubleshoot";

/// The policy of every explorer answer: only this origin's scripts, styles, images and fetches;
/// no inline script, no plugins, no framing, forms and `<base>` pinned.
pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; script-src 'self'; \
style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'";

/// One embedded file: URL path under `/explorer/`, media type, contents.
type Asset = (&'static str, &'static str, &'static [u8]);

const JS: &str = "text/javascript; charset=utf-8";

/// Every file the pages load. The operations come from the generated `api.js` only.
pub const ASSETS: &[Asset] = &[
    (
        "style.css",
        "text/css; charset=utf-8",
        include_bytes!("../explorer/style.css"),
    ),
    ("app.js", JS, include_bytes!("../explorer/app.js")),
    ("signer.js", JS, include_bytes!("../explorer/signer.js")),
    ("hash.js", JS, include_bytes!("../explorer/hash.js")),
    ("snippets.js", JS, include_bytes!("../explorer/snippets.js")),
    (
        "troubleshoot.js",
        JS,
        include_bytes!("../explorer/troubleshoot.js"),
    ),
    (
        "generated/api.js",
        JS,
        include_bytes!("../explorer/generated/api.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../explorer/favicon.svg"),
    ),
];

const INDEX: &str = include_str!("../explorer/index.html");
const TROUBLESHOOT: &str = include_str!("../explorer/troubleshoot.html");

/// The headers every explorer answer carries.
fn secure_headers(headers: &mut HeaderMap, content_type: &'static str) {
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE),
    );
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(
        axum::http::header::X_FRAME_OPTIONS,
        HeaderValue::from_static("DENY"),
    );
    // The assets change with the binary; `no-cache` revalidates instead of serving an old page.
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
}

fn page(content_type: &'static str, body: &'static [u8]) -> Response {
    let mut response = Body::from(body).into_response();
    secure_headers(response.headers_mut(), content_type);
    response
}

/// Routes `/explorer`, `/explorer/troubleshoot` and the assets.
pub fn router() -> Router {
    let mut router = Router::new()
        .route(
            PATH,
            get(|| async { page("text/html; charset=utf-8", INDEX.as_bytes()) }),
        )
        .route("/explorer/", get(|| async { Redirect::permanent(PATH) }))
        .route(
            TROUBLESHOOT_PATH,
            get(|| async { page("text/html; charset=utf-8", TROUBLESHOOT.as_bytes()) }),
        );
    for (name, content_type, body) in ASSETS {
        router = router.route(
            &format!("{PATH}/{name}"),
            get(move || async move { page(content_type, body) }),
        );
    }
    router
}

/// Characters allowed in a `Host` header before it is put into a link: a name or an address
/// and a port. Anything else (a forged header) gets no link rather than a broken or hostile one.
fn plausible_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
}

/// Query-string encoding for the code and the request id (both plain ASCII in practice).
fn query_value(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The troubleshoot link for an error `code` answered to request `request_id`.
pub fn troubleshoot_url(base: &str, code: &str, request_id: &str) -> String {
    format!(
        "{base}{TROUBLESHOOT_PATH}?code={}&requestId={}",
        query_value(code),
        query_value(request_id)
    )
}

/// Error answers at most this long get a `Recommend` (a signature mismatch repeats the string
/// to sign, which holds every parameter: up to a few hundred KiB).
const MAX_REWRITTEN_BODY: usize = 4 * 1024 * 1024;

/// Middleware for the RPC router: every error answer's empty `Recommend` becomes the link to the
/// troubleshoot entry of its code (base: `public_url`, else `http://` + the request's `Host`).
/// Generic over every code and every layer that answers errors, so neither generated code nor
/// each error site has to know about the explorer.
pub async fn recommend_layer(
    public_url: Option<Arc<str>>,
    request: Request,
    next: Next,
) -> Response {
    // Only error answers get a link: keep the Host (a cheap clone) and build nothing until then.
    let host = request.headers().get(HOST).cloned();
    let response = next.run(request).await;
    if !(response.status().is_client_error() || response.status().is_server_error()) {
        return response;
    }
    let base = match public_url {
        Some(url) => url.to_string(),
        None => match host
            .as_ref()
            .and_then(|h| h.to_str().ok())
            .filter(|h| plausible_host(h))
        {
            Some(h) => format!("http://{h}"),
            None => return response,
        },
    };
    let format = match response.headers().get(CONTENT_TYPE) {
        Some(ct) if ct.as_bytes() == XML_CONTENT_TYPE.as_bytes() => Format::Xml,
        Some(ct) if ct.as_bytes().starts_with(b"application/json") => Format::Json,
        _ => return response,
    };
    let (mut parts, body) = response.into_parts();
    let bytes = match to_bytes(body, MAX_REWRITTEN_BODY).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::warn!(error = %e, "error answer could not be read to add Recommend");
            let mut failed = StatusCode::INTERNAL_SERVER_ERROR.into_response();
            *failed.headers_mut() = parts.headers;
            return failed;
        }
    };
    match add_recommend(format, &bytes, |envelope| {
        Some(troubleshoot_url(
            &base,
            &envelope.code,
            &envelope.request_id,
        ))
    }) {
        Some(rewritten) => {
            parts.headers.remove(CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(rewritten))
        }
        None => Response::from_parts(parts, Body::from(bytes)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_encoded_and_hosts_checked() {
        assert_eq!(
            troubleshoot_url("http://127.0.0.1:8080", "Invalid.Tenant.UserNotInTenant", "AB-1"),
            "http://127.0.0.1:8080/explorer/troubleshoot?code=Invalid.Tenant.UserNotInTenant&requestId=AB-1"
        );
        assert_eq!(
            troubleshoot_url("http://h", "a&b c", "x/y"),
            "http://h/explorer/troubleshoot?code=a%26b%20c&requestId=x%2Fy"
        );
        assert!(plausible_host("127.0.0.1:8080"));
        assert!(plausible_host("[::1]:8080"));
        assert!(plausible_host("dataworks.example.com"));
        assert!(!plausible_host("evil.com/path?x="));
        assert!(!plausible_host("a b"));
        assert!(!plausible_host(""));
    }
}
