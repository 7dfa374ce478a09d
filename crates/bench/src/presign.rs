//! Requests signed before a run, so that the load generator only sends bytes: V3
//! (`ACS3-HMAC-SHA256`) through the protocol runtime's client signer, each with its own random
//! nonce and a timestamp taken when it is signed (seconds before the run).

use acs_protocol::signature::SignatureVersion;
use acs_protocol::signing::{new_nonce, sign_request, Credentials, SignError, SignRequest};
use bytes::Bytes;
use http::{Method, Request};
use http_body_util::Empty;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
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

    /// Signs one call now (V3), with a fresh nonce.
    pub fn sign(
        &self,
        method: &Method,
        action: &str,
        params: &[(String, String)],
    ) -> Result<ReadyRequest, PresignError> {
        self.sign_with(SignatureVersion::V3, method, action, params)
    }

    /// Signs one call now with `scheme` (V1: everything in the query; V3: headers), with a
    /// fresh nonce.
    pub fn sign_with(
        &self,
        scheme: SignatureVersion,
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
            scheme,
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

/// Which connection an update targets and what it changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pattern {
    /// Issue 8's load: worker `w` always updates `connection_ids[w % len]` (no two workers on
    /// one row lock when there are as many connections as workers); Status is never sent and
    /// EnvType never changes; lists are the first page, unfiltered.
    OwnRow,
    /// Issue 17's realistic load: every update picks a connection uniformly at random from
    /// `connection_ids`. With `flips`, Status is a random `ENABLED`/`DISABLED` (it changes in
    /// half of the updates) and EnvType is 0 with probability [`ENV_FLIP_P`] (it changes in a
    /// tenth); without, Status is always `ENABLED` and EnvType always 1 (the control). Lists
    /// go to a random project of `projects` with a random filter set ([`LIST_FILTERS`]).
    Spread {
        /// Status and EnvType change.
        flips: bool,
    },
}

/// P(EnvType = 0) of a spread update: the stationary share of development connections is p,
/// so an update changes EnvType with probability 2p(1-p) = 0.1.
pub const ENV_FLIP_P: f64 = 0.0528;

/// The filter sets of the realistic lists (ListConnections' exactly counted filters; Name is
/// a substring search and counts the rows it matches).
pub const LIST_FILTERS: &[&[(&str, &str)]] = &[
    &[],
    &[("Status", "ENABLED")],
    &[("Status", "DISABLED")],
    &[("EnvType", "1")],
    &[("EnvType", "0"), ("Status", "ENABLED")],
    &[("ConnectionType", "mysql")],
    &[
        ("ConnectionType", "mysql"),
        ("Status", "DISABLED"),
        ("EnvType", "1"),
    ],
    &[("ConnectionType", "postgresql")],
];

/// What the load consists of.
#[derive(Debug, Clone)]
pub struct Workload {
    /// The project (ListConnections of [`Pattern::OwnRow`]).
    pub project_id: i64,
    /// Connections to update (see [`Pattern`]).
    pub connection_ids: Vec<i64>,
    /// Percent of requests that are ListConnections (0: updates only).
    pub list_percent: u32,
    /// How updates pick their connection and what they change.
    pub pattern: Pattern,
    /// Projects the lists of [`Pattern::Spread`] go to (empty: `project_id`).
    pub projects: Vec<i64>,
    /// V1 (everything in the query) or V3 (headers).
    pub signature: SignatureVersion,
}

impl Workload {
    /// Issue 8's load on `connection_ids` of `project_id`, V3-signed.
    pub fn own_rows(project_id: i64, connection_ids: Vec<i64>, list_percent: u32) -> Self {
        Self {
            project_id,
            connection_ids,
            list_percent,
            pattern: Pattern::OwnRow,
            projects: Vec::new(),
            signature: SignatureVersion::V3,
        }
    }
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
    rng: &mut StdRng,
) -> (Kind, Method, &'static str, Vec<(String, String)>) {
    // Spread the lists evenly: request n is a list when its slot of 100 falls under the share.
    let slot = u32::try_from((n * 37 + worker * 11) % 100).unwrap_or(0);
    if let Pattern::Spread { flips } = workload.pattern {
        return spread_call(workload, flips, slot < workload.list_percent, n, rng);
    }
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

/// A request of [`Pattern::Spread`].
fn spread_call(
    workload: &Workload,
    flips: bool,
    list: bool,
    n: usize,
    rng: &mut StdRng,
) -> (Kind, Method, &'static str, Vec<(String, String)>) {
    if list {
        let project = workload
            .projects
            .choose(rng)
            .copied()
            .unwrap_or(workload.project_id);
        let mut params = vec![
            ("ProjectId".to_owned(), project.to_string()),
            ("PageNumber".to_owned(), "1".to_owned()),
            ("PageSize".to_owned(), "10".to_owned()),
        ];
        let filters = LIST_FILTERS.choose(rng).copied().unwrap_or(&[]);
        params.extend(
            filters
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        return (Kind::List, Method::GET, "ListConnections", params);
    }
    let id = workload.connection_ids.choose(rng).copied().unwrap_or(0);
    let (status, env) = if flips {
        let status = if rng.gen_bool(0.5) {
            "ENABLED"
        } else {
            "DISABLED"
        };
        let env = if rng.gen_bool(ENV_FLIP_P) { "0" } else { "1" };
        (status, env)
    } else {
        ("ENABLED", "1")
    };
    let mut params = update_params(id, n);
    params[2].1 = env.to_owned();
    params.push(("Status".to_owned(), status.to_owned()));
    (Kind::Update, Method::PUT, "UpdateConnection", params)
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
                            let mut rng = StdRng::from_entropy();
                            let list = (0..per_worker)
                                .map(|n| {
                                    let (kind, method, action, params) =
                                        call(workload, w, n, &mut rng);
                                    Ok(Prepared {
                                        kind,
                                        request: signer.sign_with(
                                            workload.signature,
                                            &method,
                                            action,
                                            &params,
                                        )?,
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
        let workload = Workload::own_rows(7, vec![1, 2], 20);
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

    fn param<'a>(p: &'a Prepared, name: &str) -> Option<std::borrow::Cow<'a, str>> {
        form_urlencoded::parse(p.request.uri().query().unwrap_or("").as_bytes())
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    #[test]
    fn spread_updates_pick_random_rows_and_flip_status_and_env_type_at_the_asked_rates() {
        let signer = Signer::new("127.0.0.1:1", "LTAIbench", "secret");
        let workload = Workload {
            project_id: 7,
            connection_ids: (1..=10_000).collect(),
            list_percent: 20,
            pattern: Pattern::Spread { flips: true },
            projects: vec![7, 8, 9],
            signature: SignatureVersion::V1,
        };
        let all = presign(&signer, &workload, 4, 2_500).expect("signs");
        let flat: Vec<&Prepared> = all.iter().flatten().collect();
        let updates: Vec<&&Prepared> = flat.iter().filter(|p| p.kind == Kind::Update).collect();
        let lists: Vec<&&Prepared> = flat.iter().filter(|p| p.kind == Kind::List).collect();
        assert_eq!(lists.len(), 2_000);
        // V1: signed in the query, no Authorization header.
        assert!(flat.iter().all(|p| param(p, "Signature").is_some()
            && !p.request.headers().contains_key("authorization")));
        let ids: std::collections::HashSet<String> = updates
            .iter()
            .map(|p| param(p, "ConnectionId").expect("id").into_owned())
            .collect();
        assert!(ids.len() > 4_000, "spread over the rows: {}", ids.len());
        let disabled = updates
            .iter()
            .filter(|p| param(p, "Status").as_deref() == Some("DISABLED"))
            .count();
        let share = disabled as f64 / updates.len() as f64;
        assert!((0.45..0.55).contains(&share), "{share}");
        let dev = updates
            .iter()
            .filter(|p| param(p, "EnvType").as_deref() == Some("0"))
            .count();
        let p = dev as f64 / updates.len() as f64;
        assert!((0.04..0.07).contains(&p), "{p}");
        let projects: std::collections::HashSet<String> = lists
            .iter()
            .map(|p| param(p, "ProjectId").expect("project").into_owned())
            .collect();
        assert_eq!(projects.len(), 3);
        assert!(lists.iter().any(|p| param(p, "Status").is_some()));
        assert!(lists.iter().any(|p| param(p, "EnvType").is_some()));

        let constant = Workload {
            pattern: Pattern::Spread { flips: false },
            signature: SignatureVersion::V3,
            ..workload
        };
        let all = presign(&signer, &constant, 2, 200).expect("signs");
        for p in all.iter().flatten().filter(|p| p.kind == Kind::Update) {
            assert_eq!(param(p, "Status").as_deref(), Some("ENABLED"));
            assert_eq!(param(p, "EnvType").as_deref(), Some("1"));
            assert!(p.request.headers().contains_key("authorization"));
        }
    }
}
