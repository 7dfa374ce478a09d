//! Rust names from wire names: PascalCase types, snake_case fields, never a clash.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

/// Top-level names the types emitter defines itself; schemas that want them get a suffix.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "ValidationError",
    "ParamError",
    "ErrorCode",
    "RpcParam",
    "ContentSchemaInfo",
    "CommonError",
    "IntOrString",
    // Not names a type can take (`Self`), or prelude values a tuple struct would shadow.
    "Self",
    "Some",
    "None",
    "Ok",
    "Err",
];

/// PascalCase name made only of `[A-Za-z0-9_]`; `prefix` is put in front of a leading digit.
pub fn pascal(raw: &str, prefix: &str) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let mut name = cleaned.to_upper_camel_case();
    if name.is_empty() {
        name = format!("{prefix}Unnamed");
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("{prefix}{name}");
    }
    name
}

/// snake_case name made only of `[a-z0-9_]`; words Rust cannot even write raw (`self`, `super`,
/// `crate`, `Self`) get a trailing `_`. Other keywords stay bare: the emitter writes them raw.
pub fn snake(raw: &str) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let mut name = cleaned.to_snake_case();
    if name.is_empty() {
        name = "value".to_owned();
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("n_{name}");
    }
    if matches!(name.as_str(), "self" | "super" | "crate" | "_") {
        name.push('_');
    }
    name
}

/// Hands out unique names: the first free of the candidates, else the last candidate numbered.
#[derive(Debug, Default, Clone)]
pub struct NameSet {
    taken: BTreeSet<String>,
}

impl NameSet {
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Takes the first candidate not yet used; when all are, `<last>2`, `<last>3`, ...
    pub fn claim(&mut self, candidates: &[String]) -> String {
        for c in candidates {
            if !self.taken.contains(c) {
                self.taken.insert(c.clone());
                return c.clone();
            }
        }
        let base = candidates
            .last()
            .cloned()
            .unwrap_or_else(|| "Unnamed".to_owned());
        let mut n = 2u32;
        loop {
            let name = format!("{base}{n}");
            if !self.taken.contains(&name) {
                self.taken.insert(name.clone());
                return name;
            }
            n += 1;
        }
    }

    /// Like [`NameSet::claim`] with snake_case numbering (`name_2`).
    pub fn claim_snake(&mut self, base: &str) -> String {
        if self.taken.insert(base.to_owned()) {
            return base.to_owned();
        }
        let mut n = 2u32;
        loop {
            let name = format!("{base}_{n}");
            if self.taken.insert(name.clone()) {
                return name;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_names_from_wire_names() {
        assert_eq!(
            pascal("Invalid.Tenant.ConnectionNotExists", "V"),
            "InvalidTenantConnectionNotExists"
        );
        assert_eq!(
            pascal("InvalidAccessKeyId.NotFound", "V"),
            "InvalidAccessKeyIdNotFound"
        );
        assert_eq!(pascal("2020-05-18", "V"), "V20200518");
        assert_eq!(pascal("analyticdb_for_mysql", "V"), "AnalyticdbForMysql");
        assert_eq!(pascal("", "T"), "TUnnamed");
    }

    #[test]
    fn snake_names_from_wire_names() {
        assert_eq!(snake("ConnectionId"), "connection_id");
        assert_eq!(snake("HttpStatusCode"), "http_status_code");
        assert_eq!(snake("type"), "type");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("2fa"), "n_2fa");
        assert_eq!(snake("x-rate-limit"), "x_rate_limit");
    }

    #[test]
    fn claims_are_unique_and_deterministic() {
        let mut set = NameSet::with_reserved(&["ValidationError"]);
        assert_eq!(set.claim(&["ValidationError".into()]), "ValidationError2");
        assert_eq!(
            set.claim(&["Status".into(), "ThingStatus".into()]),
            "Status"
        );
        assert_eq!(
            set.claim(&["Status".into(), "ThingStatus".into()]),
            "ThingStatus"
        );
        assert_eq!(
            set.claim(&["Status".into(), "ThingStatus".into()]),
            "ThingStatus2"
        );
        assert_eq!(set.claim_snake("name"), "name");
        assert_eq!(set.claim_snake("name"), "name_2");
    }
}
