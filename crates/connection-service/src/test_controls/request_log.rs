//! The request log of `GET /_test/requests`: every API call the server saw, newest first, with
//! its parameters masked by the service's own secret rules ([`crate::content`]).

use std::collections::VecDeque;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::content::{is_secret_key, masked, MASK};

/// Entries kept; older ones are forgotten.
pub const CAPACITY: usize = 10_000;

/// One call.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// When it arrived (RFC 3339, UTC).
    pub time: String,
    pub action: String,
    pub method: String,
    /// The parameters (query and form), every secret masked.
    pub parameters: Map<String, Value>,
    pub access_key_id: Option<String>,
    /// The answer's `Code` (`Success` for a success), `None` when the connection was dropped.
    pub code: Option<String>,
    /// `None` when the connection was dropped.
    pub http_status: Option<u16>,
    pub latency_ms: f64,
    pub request_id: Option<String>,
    pub fault_injected: bool,
    pub fault_id: Option<u64>,
}

/// The bounded log.
#[derive(Debug, Default)]
pub struct RequestLog {
    entries: VecDeque<Entry>,
}

impl RequestLog {
    pub fn push(&mut self, entry: Entry) {
        if self.entries.len() == CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Newest first, optionally only `action`, at most `limit`.
    pub fn query(&self, action: Option<&str>, limit: usize) -> Vec<Entry> {
        self.entries
            .iter()
            .rev()
            .filter(|e| action.is_none_or(|a| e.action == a))
            .take(limit)
            .cloned()
            .collect()
    }
}

/// Protocol parameters that are credentials or could be replayed.
const PROTOCOL_SECRETS: &[&str] = &["Signature", "SecurityToken", "AccessKeySecret"];

/// A parameter value as the log shows it: a JSON object (Content) with its secret keys masked
/// as answers mask them; a parameter whose name is a secret (`Password`, `SecurityToken`,
/// `Signature`) masked whole; anything else as sent.
pub fn mask_parameter(name: &str, value: &str) -> String {
    let camel = {
        let mut chars = name.chars();
        match chars.next() {
            Some(first) => first.to_lowercase().chain(chars).collect::<String>(),
            None => String::new(),
        }
    };
    if PROTOCOL_SECRETS.contains(&name) || is_secret_key(&camel) || is_secret_key(name) {
        return MASK.to_owned();
    }
    if value.trim_start().starts_with('{') {
        // An object: mask its secret keys. Anything that does not parse is not shown at all,
        // since it may still hold a secret.
        return match serde_json::from_str::<Value>(value) {
            Ok(Value::Object(_)) => masked(value),
            _ => MASK.to_owned(),
        };
    }
    value.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_and_the_rest_kept() {
        let content = r#"{"username":"u","password":"hunter2","nested":1}"#;
        let shown = mask_parameter("Content", content);
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("\"username\":\"u\""), "{shown}");
        assert_eq!(mask_parameter("Signature", "abc"), MASK);
        assert_eq!(mask_parameter("SecurityToken", "abc"), MASK);
        assert_eq!(mask_parameter("Password", "abc"), MASK);
        assert_eq!(mask_parameter("Content", "{not json hunter2"), MASK);
        assert_eq!(mask_parameter("ConnectionId", "7"), "7");
    }

    #[test]
    fn the_log_is_bounded_and_newest_first() {
        let mut log = RequestLog::default();
        for i in 0..CAPACITY + 5 {
            log.push(Entry {
                time: String::new(),
                action: if i % 2 == 0 { "A" } else { "B" }.to_owned(),
                method: "GET".to_owned(),
                parameters: Map::new(),
                access_key_id: None,
                code: Some(i.to_string()),
                http_status: Some(200),
                latency_ms: 0.0,
                request_id: None,
                fault_injected: false,
                fault_id: None,
            });
        }
        assert_eq!(log.query(None, usize::MAX).len(), CAPACITY);
        let newest = log.query(Some("A"), 2);
        assert_eq!(newest.len(), 2);
        assert_eq!(
            newest[0].code.as_deref(),
            Some((CAPACITY + 4).to_string().as_str())
        );
    }
}
