//! Shared test helpers: an in-memory credential table that records what it was asked, and the
//! recorded SDK requests of `tests/data/sdk-signature-vectors.json`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::Mutex;

use acs_protocol::auth::{Credential, CredentialLookup, LookupError};
use acs_protocol::secret::{AccessKeySecret, SecurityToken};
use async_trait::async_trait;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Key id -> credential, plus a log of the (key id, STS token) pairs looked up.
#[derive(Default)]
pub struct Keys {
    pub keys: HashMap<String, Credential>,
    pub seen: Mutex<Vec<(String, Option<String>)>>,
    pub fail: bool,
}

impl Keys {
    pub fn with(id: &str, secret: &str) -> Self {
        let mut k = Keys::default();
        k.add(id, secret, true);
        k
    }

    pub fn add(&mut self, id: &str, secret: &str, active: bool) {
        self.keys.insert(
            id.to_owned(),
            Credential {
                secret: AccessKeySecret::new(secret),
                principal: format!("user-of-{id}"),
                active,
            },
        );
    }
}

#[derive(Debug)]
struct Boom;
impl std::fmt::Display for Boom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("database unavailable")
    }
}
impl std::error::Error for Boom {}

#[async_trait]
impl CredentialLookup for Keys {
    async fn lookup(
        &self,
        access_key_id: &str,
        security_token: Option<&SecurityToken>,
    ) -> Result<Option<Credential>, LookupError> {
        self.seen.lock().expect("test lock").push((
            access_key_id.to_owned(),
            security_token.map(|t| t.expose().to_owned()),
        ));
        if self.fail {
            return Err(LookupError::new(Boom));
        }
        Ok(self.keys.get(access_key_id).cloned())
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Record {
    pub file: String,
    pub client: String,
    pub action: String,
    pub received_at: String,
    pub access_key_id: String,
    pub access_key_secret: String,
    pub method: String,
    pub path_and_query: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub scheme: String,
    pub canonical_request: Option<String>,
    pub string_to_sign: String,
    pub signature: String,
}

impl Record {
    pub fn is_v3(&self) -> bool {
        self.scheme.starts_with("V3")
    }

    pub fn method(&self) -> Method {
        Method::from_bytes(self.method.as_bytes()).expect("record method")
    }

    pub fn query(&self) -> Option<&str> {
        self.path_and_query.split_once('?').map(|(_, q)| q)
    }

    pub fn header_map(&self) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in &self.headers {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).expect("record header name"),
                HeaderValue::from_str(value).expect("record header value"),
            );
        }
        map
    }

    pub fn content_type(&self) -> Option<String> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.clone())
    }

    pub fn received_at(&self) -> OffsetDateTime {
        OffsetDateTime::parse(&self.received_at, &Rfc3339).expect("received_at")
    }
}

pub fn records() -> Vec<Record> {
    let text = include_str!("../data/sdk-signature-vectors.json");
    serde_json::from_str(text).expect("vector file parses")
}

pub fn at(text: &str) -> OffsetDateTime {
    OffsetDateTime::parse(text, &Rfc3339).expect("time")
}
