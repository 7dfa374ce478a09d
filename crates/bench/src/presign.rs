//! Requests signed before a run, so that the load generator only sends bytes: V3
//! (`ACS3-HMAC-SHA256`) through the protocol runtime's client signer, each with its own random
//! nonce and a timestamp taken when it is signed (seconds before the run).

use acs_protocol::signature::SignatureVersion;
use acs_protocol::signing::{new_nonce, sign_request, Credentials, SignError, SignRequest};
use bytes::Bytes;
use http::{Method, Request};
use http_body_util::Empty;
use time::OffsetDateTime;

/// The API version every request names.
pub const VERSION: &str = "2020-05-18";

/// A request ready to send.
pub type ReadyRequest = Request<Empty<Bytes>>;

/// What a request does, to split latencies by operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// UpdateConnection (PUT, as the official SDK sends it).
    Update,
    /// ListConnections (GET).
    List,
    /// Anything else (provisioning).
    Other,
}

/// A signed request and what it does.
#[derive(Debug)]
pub struct Prepared {
    /// The operation.
    pub kind: Kind,
    /// The request (method, `/?query`, headers; empty body).
    pub request: ReadyRequest,
}

/// Signs requests for one server and one AccessKey.
#[derive(Clone)]
pub struct Signer {
    host: String,
    credentials: Credentials,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("host", &self.host)
            .field("credentials", &self.credentials)
            .finish()
    }
}

/// Why a request could not be built.
#[derive(Debug, thiserror::Error)]
pub enum PresignError {
    /// The runtime refused the parameters.
    #[error(transparent)]
    Sign(#[from] SignError),
    /// A signed value is not a valid header or URI.
    #[error("the signed request is not valid HTTP: {0}")]
    Http(#[from] http::Error),
    /// Updates were asked for but there is no connection to update.
    #[error("the workload has updates but no connection ids")]
    NoConnections,
}

impl Signer {
    /// A signer for the server at `host` (`127.0.0.1:PORT`, the Host header that is signed).
    pub fn new(host: impl Into<String>, access_key_id: &str, secret: &str) -> Self {
        Self {
            host: host.into(),
            credentials: Credentials::new(access_key_id, secret),
        }
    }

    /// Signs one call now, with a fresh nonce.
    pub fn sign(
        &self,
        method: &Method,
        action: &str,
        params: &[(String, String)],
    ) -> Result<ReadyRequest, PresignError> {
        let nonce = new_nonce();
        let signed = sign_request(&SignRequest {
            method,
            host: &self.host,
            action,
            version: VERSION,
            params,
            credentials: &self.credentials,
            scheme: SignatureVersion::V3,
            nonce: &nonce,
            timestamp: OffsetDateTime::now_utc(),
        })?;
        let mut builder = Request::builder()
            .method(method.clone())
            .uri(format!("/?{}", signed.query));
        for (name, value) in signed.headers {
            builder = builder.header(name, value);
        }
        Ok(builder.body(Empty::new())?)
    }
}

/// What the load consists of.
#[derive(Debug, Clone)]
pub struct Workload {
    /// The project (ListConnections).
    pub project_id: i64,
    /// Connections to update; worker `w` updates `connection_ids[w % len]` so that no two
    /// workers wait on one row lock when there are as many connections as workers.
    pub connection_ids: Vec<i64>,
    /// Percent of requests that are ListConnections (0: updates only).
    pub list_percent: u32,
}

/// The Content of every update: a MySQL-on-RDS connection; its password differs per request so
/// that every update seals a new secret.
pub fn update_content(n: usize) -> String {
    format!(
        r#"{{"database":"bench","instanceName":"rm-bench0001","password":"pw-{n:08}","rdsOwnerId":"1234567890","regionId":"cn-shanghai","tag":"rds","username":"bench"}}"#
    )
}

/// The parameters of request `n` of worker `worker`.
fn call(
    workload: &Workload,
    worker: usize,
    n: usize,
) -> (Kind, Method, &'static str, Vec<(String, String)>) {
    // Spread the lists evenly: request n is a list when its slot of 100 falls under the share.
    let slot = u32::try_from((n * 37 + worker * 11) % 100).unwrap_or(0);
    if slot < workload.list_percent {
        (
            Kind::List,
            Method::GET,
            "ListConnections",
            vec![
                ("ProjectId".into(), workload.project_id.to_string()),
                ("PageNumber".into(), "1".into()),
                ("PageSize".into(), "10".into()),
            ],
        )
    } else {
        let id = workload.connection_ids[worker % workload.connection_ids.len().max(1)];
        (
            Kind::Update,
            Method::PUT,
            "UpdateConnection",
            update_params(id, n),
        )
    }
}

/// The parameters of the `n`th UpdateConnection of connection `id`.
pub fn update_params(id: i64, n: usize) -> Vec<(String, String)> {
    vec![
        ("ConnectionId".into(), id.to_string()),
        ("Content".into(), update_content(n)),
        ("EnvType".into(), "1".into()),
        ("Description".into(), format!("bench update {n}")),
    ]
}

/// A worker's index and its requests.
type WorkerPool = (usize, Vec<Prepared>);

/// Signs `per_worker` requests for each of `workers` workers, on all cores.
pub fn presign(
    signer: &Signer,
    workload: &Workload,
    workers: usize,
    per_worker: usize,
) -> Result<Vec<Vec<Prepared>>, PresignError> {
    if workload.connection_ids.is_empty() && workload.list_percent < 100 {
        return Err(PresignError::NoConnections);
    }
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(workers.max(1));
    let chunks: Vec<Vec<usize>> = (0..threads)
        .map(|t| (0..workers).filter(|w| w % threads == t).collect())
        .collect();
    let results: Vec<Result<Vec<WorkerPool>, PresignError>> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|mine| {
                s.spawn(move || {
                    mine.iter()
                        .map(|&w| {
                            let list = (0..per_worker)
                                .map(|n| {
                                    let (kind, method, action, params) = call(workload, w, n);
                                    Ok(Prepared {
                                        kind,
                                        request: signer.sign(&method, action, &params)?,
                                    })
                                })
                                .collect::<Result<Vec<_>, PresignError>>()?;
                            Ok((w, list))
                        })
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Ok(Vec::new())))
            .collect()
    });
    let mut out: Vec<Vec<Prepared>> = (0..workers).map(|_| Vec::new()).collect();
    for result in results {
        for (w, list) in result? {
            out[w] = list;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presigned_requests_are_v3_with_unique_nonces_and_the_asked_mix() {
        let signer = Signer::new("127.0.0.1:1", "LTAIbench", "secret");
        let workload = Workload {
            project_id: 7,
            connection_ids: vec![1, 2],
            list_percent: 20,
        };
        let all = presign(&signer, &workload, 3, 100).expect("signs");
        assert_eq!(all.len(), 3);
        let flat: Vec<&Prepared> = all.iter().flatten().collect();
        assert_eq!(flat.len(), 300);
        let lists = flat.iter().filter(|p| p.kind == Kind::List).count();
        assert_eq!(lists, 60);
        let nonces: std::collections::HashSet<&str> = flat
            .iter()
            .map(|p| {
                p.request.headers()["x-acs-signature-nonce"]
                    .to_str()
                    .expect("ascii")
            })
            .collect();
        assert_eq!(nonces.len(), 300);
        let update = flat.iter().find(|p| p.kind == Kind::Update).expect("one");
        assert_eq!(update.request.method(), Method::PUT);
        assert!(update.request.headers()["authorization"]
            .to_str()
            .expect("ascii")
            .starts_with("ACS3-HMAC-SHA256 Credential=LTAIbench,"));
        assert!(update
            .request
            .uri()
            .query()
            .expect("query")
            .contains("ConnectionId="));
    }
}
