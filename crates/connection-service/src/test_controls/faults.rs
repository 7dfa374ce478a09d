//! Injected faults: what `POST /_test/faults` registers and which calls they hit.

use std::time::Duration;

use rand::Rng;
use serde::{Deserialize, Serialize};

/// Retry-after of a throttling answer when the fault does not say (milliseconds).
pub const DEFAULT_RETRY_AFTER_MS: u64 = 1000;

/// A fault as posted: `{"action": "UpdateConnection" | "*", "code": "Throttling.User",
/// "http_status": 503, "message": "...", "latency_ms": 0, "drop": false, "count": N,
/// "probability": 0.0-1.0}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// The Action it applies to, or `*` (the default) for every operation.
    #[serde(default = "any_action")]
    pub action: String,
    /// The error code to answer with; none: the call is served (after `latency_ms`) or dropped.
    pub code: Option<String>,
    /// The error answer's HTTP status (default 400 for `Throttling*` codes as Alibaba's gateway
    /// answers them, else 503).
    pub http_status: Option<u16>,
    /// The error answer's message (default: a text naming the fault).
    pub message: Option<String>,
    /// Wait this long before answering (or dropping, or serving).
    #[serde(default)]
    pub latency_ms: u64,
    /// Close the connection without an answer.
    #[serde(default)]
    pub drop: bool,
    /// Hit the next `count` matching calls (default 1 unless `probability` is given).
    pub count: Option<u64>,
    /// Hit each matching call with this probability (until `count` is used up, if given).
    pub probability: Option<f64>,
    /// `x-acs-retry-after` of throttling answers, in milliseconds.
    pub retry_after_ms: Option<u64>,
}

fn any_action() -> String {
    "*".to_owned()
}

/// A registered fault, as `GET /_test/faults` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Fault {
    pub id: u64,
    pub action: String,
    pub code: Option<String>,
    pub http_status: u16,
    pub message: String,
    pub latency_ms: u64,
    pub drop: bool,
    /// Hits left (`None`: unlimited, with a probability).
    pub remaining: Option<u64>,
    pub probability: Option<f64>,
    pub retry_after_ms: Option<u64>,
    /// Calls it hit so far.
    pub hits: u64,
}

impl FaultSpec {
    /// The fault, or why the spec is unusable (a message naming the field).
    pub fn into_fault(self, id: u64) -> Result<Fault, String> {
        if self.action.trim().is_empty() {
            return Err("action must be an Action name or \"*\"".to_owned());
        }
        if self.code.is_none() && !self.drop && self.latency_ms == 0 {
            return Err("a fault needs a code, drop: true or latency_ms".to_owned());
        }
        if let Some(p) = self.probability {
            if !(0.0..=1.0).contains(&p) || p.is_nan() {
                return Err(format!("probability must be within 0.0 and 1.0, got {p}"));
            }
        }
        if self.count == Some(0) {
            return Err("count must be at least 1".to_owned());
        }
        if self.latency_ms > 600_000 {
            return Err("latency_ms must be at most 600000".to_owned());
        }
        let throttling = self
            .code
            .as_deref()
            .is_some_and(|c| c.starts_with("Throttling"));
        let http_status = self
            .http_status
            .unwrap_or(if throttling { 400 } else { 503 });
        if !(400..=599).contains(&http_status) {
            return Err(format!(
                "http_status must be an error status (400-599), got {http_status}"
            ));
        }
        let remaining = match (self.count, self.probability) {
            (Some(n), _) => Some(n),
            (None, Some(_)) => None,
            (None, None) => Some(1),
        };
        let message = self.message.unwrap_or_else(|| match &self.code {
            Some(code) => format!("{code} (injected by the test controls)"),
            None => String::new(),
        });
        Ok(Fault {
            id,
            action: self.action,
            code: self.code,
            http_status,
            message,
            latency_ms: self.latency_ms,
            drop: self.drop,
            remaining,
            probability: self.probability,
            retry_after_ms: throttling
                .then(|| self.retry_after_ms.unwrap_or(DEFAULT_RETRY_AFTER_MS)),
            hits: 0,
        })
    }
}

impl Fault {
    fn matches(&self, action: &str) -> bool {
        self.action == "*" || self.action == action
    }

    /// The delay before the answer.
    pub fn latency(&self) -> Duration {
        Duration::from_millis(self.latency_ms)
    }
}

/// The registered faults, oldest first.
#[derive(Debug, Default)]
pub struct Faults {
    next_id: u64,
    list: Vec<Fault>,
}

impl Faults {
    /// Registers a fault and returns its id.
    pub fn add(&mut self, spec: FaultSpec) -> Result<u64, String> {
        let fault = spec.into_fault(self.next_id + 1)?;
        self.next_id += 1;
        let id = fault.id;
        self.list.push(fault);
        Ok(id)
    }

    pub fn list(&self) -> Vec<Fault> {
        self.list.clone()
    }

    pub fn clear(&mut self) {
        self.list.clear();
    }

    /// Removes one fault; whether it existed.
    pub fn remove(&mut self, id: u64) -> bool {
        let before = self.list.len();
        self.list.retain(|f| f.id != id);
        self.list.len() != before
    }

    /// The fault that hits this call of `action` (the oldest matching one whose dice roll hits),
    /// counted; a fault whose count is used up is removed.
    pub fn hit(&mut self, action: &str) -> Option<Fault> {
        let mut rng = rand::thread_rng();
        let index = self
            .list
            .iter()
            .position(|f| f.matches(action) && f.probability.is_none_or(|p| rng.gen_bool(p)))?;
        let fault = &mut self.list[index];
        fault.hits += 1;
        if let Some(left) = fault.remaining.as_mut() {
            *left -= 1;
        }
        let hit = fault.clone();
        if hit.remaining == Some(0) {
            self.list.remove(index);
        }
        Some(hit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(json: &str) -> FaultSpec {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_count_is_used_up_then_the_fault_is_gone() {
        let mut faults = Faults::default();
        faults
            .add(spec(
                r#"{"action":"UpdateConnection","code":"ServiceUnavailable","count":2}"#,
            ))
            .unwrap();
        assert!(faults.hit("ListConnections").is_none());
        assert_eq!(faults.hit("UpdateConnection").unwrap().http_status, 503);
        assert!(faults.hit("UpdateConnection").is_some());
        assert!(faults.hit("UpdateConnection").is_none());
        assert!(faults.list().is_empty());
    }

    #[test]
    fn throttling_defaults_to_400_with_a_retry_after() {
        let mut faults = Faults::default();
        faults.add(spec(r#"{"code":"Throttling.User"}"#)).unwrap();
        let hit = faults.hit("AnyAction").unwrap();
        assert_eq!(hit.http_status, 400);
        assert_eq!(hit.retry_after_ms, Some(DEFAULT_RETRY_AFTER_MS));
    }

    #[test]
    fn probability_zero_never_hits_and_one_always_does() {
        let mut faults = Faults::default();
        faults
            .add(spec(r#"{"drop":true,"probability":0.0}"#))
            .unwrap();
        assert!((0..50).all(|_| faults.hit("X").is_none()));
        faults.clear();
        faults
            .add(spec(r#"{"drop":true,"probability":1.0}"#))
            .unwrap();
        assert!((0..50).all(|_| faults.hit("X").is_some()));
    }

    #[test]
    fn unusable_specs_are_refused_with_the_field_named() {
        let mut faults = Faults::default();
        assert!(faults
            .add(spec(r#"{}"#))
            .unwrap_err()
            .contains("needs a code"));
        assert!(faults
            .add(spec(r#"{"drop":true,"probability":1.5}"#))
            .unwrap_err()
            .contains("probability"));
        assert!(faults
            .add(spec(r#"{"code":"X","http_status":200}"#))
            .unwrap_err()
            .contains("http_status"));
        assert!(serde_json::from_str::<FaultSpec>(r#"{"cod":"X"}"#).is_err());
    }
}
