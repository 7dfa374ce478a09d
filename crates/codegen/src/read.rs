//! Reading a spec tolerantly: what the generator never uses is dropped (and listed), so a spec the
//! `openapiv3` crate cannot read in full still generates.
//!
//! peertube's document gives `callbacks` entries as `$ref`s, which `openapiv3` 2.x cannot parse;
//! callbacks describe requests the API sends to its caller, which none of the emitters writes. The
//! reader removes such sections from the document before `openapiv3` sees it and returns the JSON
//! pointer of every removed entry, so the caller can print them as warnings. The returned
//! document (JSON) is the spec as written, for resolving refusal and example pointers.

use serde_json::Value;

/// A spec as the generator reads it.
#[derive(Debug, Clone)]
pub struct ReadSpec {
    pub spec: openapiv3::OpenAPI,
    /// The whole document as written (nothing dropped), for JSON pointers.
    pub document: Value,
    /// One warning per dropped entry: `#/pointer: why`.
    pub dropped: Vec<String>,
}

/// Why a spec could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("not YAML/JSON: {0}")]
    Syntax(String),
    #[error("not an OpenAPI 3.0 document: {0}")]
    NotOpenApi(String),
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Reads YAML or JSON text (JSON is YAML).
pub fn read_spec(text: &str) -> Result<ReadSpec, ReadError> {
    let yaml: serde_yaml::Value =
        serde_yaml::from_str(text).map_err(|e| ReadError::Syntax(e.to_string()))?;
    read_document(yaml_to_json(yaml))
}

/// Reads an already parsed document.
pub fn read_document(document: Value) -> Result<ReadSpec, ReadError> {
    let mut trimmed = document.clone();
    let dropped = drop_unused(&mut trimmed);
    let spec = serde_json::from_value(trimmed).map_err(|e| ReadError::NotOpenApi(e.to_string()))?;
    Ok(ReadSpec {
        spec,
        document,
        dropped,
    })
}

/// YAML mapping keys can be numbers (`200:`); JSON keys are text.
fn yaml_to_json(value: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (key_text(k), yaml_to_json(v)))
                .collect(),
        ),
        Y::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

fn key_text(key: serde_yaml::Value) -> String {
    match key {
        serde_yaml::Value::String(s) => s,
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Null => "null".to_owned(),
        other => serde_yaml::to_string(&other)
            .unwrap_or_default()
            .trim()
            .to_owned(),
    }
}

/// Removes callbacks (per operation and in `components`): no emitter uses them, and `openapiv3`
/// cannot read every legal form of them. Returns a warning per removed entry.
fn drop_unused(document: &mut Value) -> Vec<String> {
    let mut dropped = Vec::new();
    if let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            for method in METHODS {
                let Some(op) = item.get_mut(*method).and_then(Value::as_object_mut) else {
                    continue;
                };
                if op.remove("callbacks").is_some() {
                    dropped.push(format!(
                        "{}: callbacks dropped (requests the API sends back; no emitter writes them)",
                        crate::refusal::pointer(&["paths", path, method, "callbacks"])
                    ));
                }
            }
        }
    }
    if let Some(components) = document
        .get_mut("components")
        .and_then(Value::as_object_mut)
    {
        if components.remove("callbacks").is_some() {
            dropped.push(
                "#/components/callbacks: dropped (requests the API sends back; no emitter writes them)"
                    .to_owned(),
            );
        }
    }
    dropped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callbacks_given_as_refs_are_dropped_with_a_warning() {
        let text = r##"
openapi: 3.0.0
info: {title: t, version: "1"}
paths:
  /hooks:
    post:
      operationId: addHook
      callbacks:
        onEvent:
          $ref: '#/components/callbacks/Event'
      responses:
        200: {description: ok}
components:
  callbacks:
    Event:
      '{$request.body#/url}':
        post:
          responses:
            200: {description: ok}
"##;
        let read = read_spec(text).unwrap();
        assert_eq!(read.dropped.len(), 2, "{:?}", read.dropped);
        assert!(read.dropped[0].starts_with("#/paths/~1hooks/post/callbacks: "));
        assert!(read.spec.paths.paths.contains_key("/hooks"));
        // The document keeps what was dropped, so pointers into it still resolve.
        assert!(read
            .document
            .pointer("/paths/~1hooks/post/callbacks")
            .is_some());
    }

    #[test]
    fn numeric_keys_become_text() {
        let read = read_spec(
            "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n",
        )
        .unwrap();
        assert!(read
            .document
            .pointer("/paths/~1a/get/responses/200")
            .is_some());
        assert!(read.dropped.is_empty());
    }
}
