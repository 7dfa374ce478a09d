//! `Content`: the JSON object that configures a connection, its per-type rules, and its secrets.
//!
//! The per-type rules (required keys, `x-required-any-of` groups) come from the spec's `Content`
//! schemas through the generated `dataworks_types::content_schema_for`.
//!
//! Secrets are the values under [`SECRET_KEYS`] (a superset of every key the spec marks
//! `x-secret`, checked by a test), whatever the connection type, matched in any letter case and
//! at any depth (nested objects and arrays are walked): a key named `password`, `Password` or
//! `extra.password` is never shown back nor stored in plaintext, and over-masking costs nothing. Keeping the set independent of
//! the type also lets an update seal the new Content before it knows the stored connection's type,
//! which is what makes the one-round-trip update possible (see `service::update_connection`).

use std::sync::LazyLock;

use dataworks_types::{
    content_schema_for, ConnectionType, ContentSchemaInfo, SubType, CONTENT_SCHEMAS,
};
use serde_json::{Map, Value};

use crate::crypto::Cipher;

/// What answers show instead of a secret. An update that sends it back keeps the stored secret.
pub const MASK: &str = "******";

/// Largest Content accepted, in bytes: generous for any real connection, small enough that a
/// hostile request cannot make the service parse and store megabytes.
pub const MAX_CONTENT_BYTES: usize = 64 * 1024;

/// Keys whose values are secrets, in every type. Matched ignoring ASCII letter case: a caller
/// who writes `Password` or `PASSWORD` means a password too.
pub const SECRET_KEYS: &[&str] = &[
    "password",
    "accessKey",
    "accessKeySecret",
    "secretKey",
    "secretAccessKey",
    "securityToken",
    "token",
    "saslPassword",
    "sslPassword",
    "keystorePassword",
    "truststorePassword",
    "privateKey",
];

/// The connection types the API knows: the spec's `ConnectionType` enum.
pub static CONNECTION_TYPES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    ConnectionType::ALL
        .iter()
        .map(ConnectionType::as_str)
        .collect()
});

/// Sub-types, valid only with `rds`: the spec's `SubType` enum.
pub static RDS_SUB_TYPES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| SubType::ALL.iter().map(SubType::as_str).collect());

/// The rules of a type from the spec's `Content` schemas (`x-connection-type`): `required`
/// keys and `x-required-any-of` groups. `None` for a type the spec does not describe.
pub fn schema_for(connection_type: &str) -> Option<ContentSchemaInfo> {
    content_schema_for(connection_type)
}

/// Whether `key` holds a secret (any letter case).
pub fn is_secret_key(key: &str) -> bool {
    SECRET_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
}

/// JSON pointers (RFC 6901) of every secret value in `map`: values under a secret key at any
/// depth, in nested objects and arrays. A secret key's own value is not walked further (it must
/// be a string; [`parse`] refuses anything else).
fn secret_pointers(map: &Map<String, Value>) -> Vec<String> {
    fn walk_map(map: &Map<String, Value>, at: &mut String, out: &mut Vec<String>) {
        for (key, value) in map {
            let len = at.len();
            at.push('/');
            at.push_str(&key.replace('~', "~0").replace('/', "~1"));
            if is_secret_key(key) {
                out.push(at.clone());
            } else {
                walk(value, at, out);
            }
            at.truncate(len);
        }
    }
    fn walk(value: &Value, at: &mut String, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => walk_map(map, at, out),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = at.len();
                    at.push('/');
                    at.push_str(&i.to_string());
                    walk(item, at, out);
                    at.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk_map(map, &mut String::new(), &mut out);
    out
}

/// The value at `pointer` in `map` (a pointer from [`secret_pointers`], so never empty).
fn at_pointer<'a>(map: &'a mut Map<String, Value>, pointer: &str) -> Option<&'a mut Value> {
    let (first, rest) = pointer
        .strip_prefix('/')?
        .split_once('/')
        .unwrap_or((pointer.strip_prefix('/').unwrap_or_default(), ""));
    let key = first.replace("~1", "/").replace("~0", "~");
    let value = map.get_mut(&key)?;
    if rest.is_empty() {
        Some(value)
    } else {
        value.pointer_mut(&format!("/{rest}"))
    }
}

/// Same as [`at_pointer`], read-only.
fn get_pointer<'a>(map: &'a Map<String, Value>, pointer: &str) -> Option<&'a Value> {
    let (first, rest) = pointer
        .strip_prefix('/')?
        .split_once('/')
        .unwrap_or((pointer.strip_prefix('/').unwrap_or_default(), ""));
    let key = first.replace("~1", "/").replace("~0", "~");
    let value = map.get(&key)?;
    if rest.is_empty() {
        Some(value)
    } else {
        value.pointer(&format!("/{rest}"))
    }
}

/// Why a Content was refused; the text is for the caller and never quotes values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ContentError(pub String);

/// Parses Content: a JSON object of at most [`MAX_CONTENT_BYTES`], secret values strings.
pub fn parse(text: &str) -> Result<Map<String, Value>, ContentError> {
    if text.len() > MAX_CONTENT_BYTES {
        return Err(ContentError(format!(
            "longer than {MAX_CONTENT_BYTES} bytes"
        )));
    }
    let value: Value = serde_json::from_str(text).map_err(|e| {
        // serde_json's message names line/column and the kind of problem, not the input.
        ContentError(format!("not valid JSON ({e})"))
    })?;
    let Value::Object(map) = value else {
        return Err(ContentError("must be a JSON object".to_owned()));
    };
    for pointer in secret_pointers(&map) {
        if !get_pointer(&map, &pointer).is_some_and(Value::is_string) {
            return Err(ContentError(format!(
                "the secret at \"{pointer}\" must be a string"
            )));
        }
    }
    Ok(map)
}

fn present(map: &Map<String, Value>, key: &str) -> bool {
    match map.get(key) {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(_) => true,
    }
}

/// Checks `map` against the rules of `connection_type`.
pub fn validate(connection_type: &str, map: &Map<String, Value>) -> Result<(), ContentError> {
    let schema = schema_for(connection_type)
        .ok_or_else(|| ContentError(format!("unknown connection type {connection_type:?}")))?;
    let missing: Vec<&str> = schema
        .required
        .iter()
        .copied()
        .filter(|k| !present(map, k))
        .collect();
    if !missing.is_empty() {
        return Err(ContentError(format!(
            "{connection_type} needs the keys {}",
            missing.join(", ")
        )));
    }
    for group in schema.required_any_of {
        if !group.iter().any(|k| present(map, k)) {
            return Err(ContentError(format!(
                "{connection_type} needs one of the keys {}",
                group.join(", ")
            )));
        }
    }
    Ok(())
}

/// The first key (or `a or b` group) the rules of `connection_type` require and `map` lacks;
/// `None` when none is missing or the type is unknown.
pub fn first_missing(connection_type: &str, map: &Map<String, Value>) -> Option<String> {
    let schema = schema_for(connection_type)?;
    if let Some(key) = schema.required.iter().find(|k| !present(map, k)) {
        return Some((*key).to_owned());
    }
    schema
        .required_any_of
        .iter()
        .find(|group| !group.iter().any(|k| present(map, k)))
        .map(|group| group.join(" or "))
}

/// The types whose rules `map` satisfies (used to make an update conditional on the stored type).
///
/// Runs on every update, against every type: it only tests keys and builds no error text.
pub fn valid_types(map: &Map<String, Value>) -> Vec<&'static str> {
    CONTENT_SCHEMAS
        .iter()
        .filter(|schema| satisfies(schema, map))
        .map(|schema| schema.connection_type)
        .collect()
}

fn satisfies(schema: &ContentSchemaInfo, map: &Map<String, Value>) -> bool {
    schema.required.iter().all(|k| present(map, k))
        && schema
            .required_any_of
            .iter()
            .all(|group| group.iter().any(|k| present(map, k)))
}

/// Whether any secret value is the mask (then the update must read the stored secrets).
pub fn has_masked_secret(map: &Map<String, Value>) -> bool {
    secret_pointers(map)
        .iter()
        .any(|p| get_pointer(map, p).and_then(Value::as_str) == Some(MASK))
}

/// The secret keys whose value is a mask rather than a secret: our [`MASK`] or any other run of
/// `*` (Alibaba's exports write `***`). ImportDataSources refuses these, since an export never
/// carries a secret and storing the mask would leave a data source that cannot connect.
pub fn masked_secret_keys(map: &Map<String, Value>) -> Vec<&str> {
    map.iter()
        .filter(|(k, v)| {
            is_secret_key(k)
                && v.as_str()
                    .is_some_and(|s| !s.is_empty() && s.chars().all(|c| c == '*'))
        })
        .map(|(k, _)| k.as_str())
        .collect()
}

/// Encrypts every secret value of a freshly parsed Content and renders it for storage.
///
/// Every secret is encrypted, even one that looks like an envelope: stored envelopes are always
/// ones the service made itself from the caller's own plaintext.
pub fn seal(mut map: Map<String, Value>, cipher: &Cipher) -> String {
    for pointer in secret_pointers(&map) {
        if let Some(Value::String(s)) = at_pointer(&mut map, &pointer) {
            *s = cipher.seal(s);
        }
    }
    Value::Object(map).to_string()
}

/// Replaces masked secrets in `incoming` by the stored (still encrypted) values from `stored`,
/// and encrypts the others. A mask with no stored counterpart is refused.
pub fn seal_keeping_masked(
    mut incoming: Map<String, Value>,
    stored_text: &str,
    cipher: &Cipher,
) -> Result<String, ContentError> {
    let stored: Map<String, Value> = serde_json::from_str(stored_text).unwrap_or_default();
    for pointer in secret_pointers(&incoming) {
        let Some(Value::String(s)) = at_pointer(&mut incoming, &pointer) else {
            continue;
        };
        if s == MASK {
            // Kept only from the same place (same keys, same case, same indices).
            match get_pointer(&stored, &pointer) {
                Some(Value::String(kept)) => *s = kept.clone(),
                _ => {
                    return Err(ContentError(format!(
                        "the secret at \"{pointer}\" is the mask but no value is stored to keep"
                    )))
                }
            }
        } else {
            *s = cipher.seal(s);
        }
    }
    Ok(Value::Object(incoming).to_string())
}

/// The stored Content with every secret replaced by [`MASK`], for answers. Needs no key.
pub fn masked(stored_text: &str) -> String {
    match serde_json::from_str::<Value>(stored_text) {
        Ok(Value::Object(mut map)) => {
            for pointer in secret_pointers(&map) {
                if let Some(value) = at_pointer(&mut map, &pointer) {
                    *value = Value::String(MASK.to_owned());
                }
            }
            Value::Object(map).to_string()
        }
        // Stored Content is always an object we wrote; anything else is shown as empty rather
        // than risking an unmasked secret.
        _ => "{}".to_owned(),
    }
}

/// The stored Content with secrets decrypted (for the network probe and for owners' tooling).
pub fn unsealed(
    stored_text: &str,
    cipher: &Cipher,
) -> Result<Map<String, Value>, crate::crypto::CryptoError> {
    let mut map: Map<String, Value> =
        serde_json::from_str(stored_text).map_err(|_| crate::crypto::CryptoError::Undecryptable)?;
    for pointer in secret_pointers(&map) {
        if let Some(Value::String(s)) = at_pointer(&mut map, &pointer) {
            *s = cipher.open(s)?.to_string();
        }
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::MasterKey;

    const MYSQL: &str = r#"{"database":"xsaxsa","instanceName":"rm-xsaxsa","password":"pw-123","rdsOwnerId":"xasxsa","regionId":"cn-shanghai","tag":"rds","username":"xsaxsa"}"#;

    /// Found by the `content` fuzz target (2026-12-03): an 87-digit integer parsed with
    /// serde_json's default best-effort float precision came back as a different number after
    /// seal (serialize) and unsealed (parse again), so the stored Content was not the one sent.
    /// serde_json's `float_roundtrip` (workspace Cargo.toml) parses floats exactly.
    #[test]
    fn large_numbers_survive_seal_and_unseal_unchanged() {
        let cipher = Cipher::new(&MasterKey::generate());
        let digits = "2".repeat(87);
        for text in [
            format!(r#"{{"n": {digits}}}"#),
            r#"{"n": 2.2222222222222222e86, "m": 0.1, "k": 1e-300}"#.to_owned(),
        ] {
            let map = parse(&text).unwrap();
            let sealed = seal(map.clone(), &cipher);
            assert_eq!(unsealed(&sealed, &cipher).unwrap(), map, "{text}");
        }
    }

    #[test]
    fn every_documented_example_validates_for_its_type() {
        let examples = [
            (
                "odps",
                r#"{"accessId":"xssssss","accessKey":"xsaxsaxsa","authType":2,"endpoint":"http://service.odps.aliyun.com/api","project":"xsaxsax","tag":"public"}"#,
            ),
            ("mysql", MYSQL),
            (
                "rds",
                r#"{"configType":1,"tag":"rds","database":"xsaxsa","username":"xsaxsa","password":"xssaxsa$32050","instanceName":"rm-xsaxs","rdsOwnerId":"11111111"}"#,
            ),
            (
                "oss",
                r#"{"accessId":"sssssxx","accessKey":"xsaxaxsaxs","bucket":"xsa-xs-xs","endpoint":"http://oss-cn-shanghai.aliyuncs.com","tag":"public"}"#,
            ),
            (
                "sqlserver",
                r#"{"jdbcUrl":"jdbc:sqlserver://xsaxsa-xsaxsa.database.xxx.cn:123;DatabaseName=xsxs-xsxs","password":"sdasda$fs","tag":"public","username":"sxaxacdacdd"}"#,
            ),
            (
                "polardb",
                r#"{"clusterId":"pc-sdadsadsa","database":"dsadsadsa","ownerId":"121212122","password":"sdasdafssa","region":"cn-shanghai","tag":"polardb","username":"asdadsads"}"#,
            ),
            (
                "oracle",
                r#"{"jdbcUrl":"jdbc:oracle:saaa:@xxxxx:1521:PROD","password":"sxasaxsa","tag":"public","username":"sasfadfa"}"#,
            ),
            (
                "mongodb",
                r#"{"address":"[\"xsaxxsa.mongodb.rds.aliyuncs.com:3717\"]","database":"admin","password":"sadsda@","tag":"public","username":"dsadsadas"}"#,
            ),
            (
                "emr",
                r#"{"accessId":"xsaxsa","emrClusterId":"C-dsads","emrResourceQueueName":"default","emrEndpoint":"emr.aliyuncs.com","accessKey":"dsadsad","emrUserId":"224833315798889783","name":"sasdsadsa","emrAccessMode":"simple","region":"cn-shanghai","authType":"2","emrProjectId":"FP-sdadsad"}"#,
            ),
            (
                "postgresql",
                r#"{"jdbcUrl":"jdbc:postgresql://xxxx:1921/ssss","password":"sdadsads","tag":"public","username":"sdsasda"}"#,
            ),
            (
                "analyticdb_for_mysql",
                r#"{"instanceId":"am-sadsada","database":"xsxsx","username":"xsxsa","password":"asdadsa","connectionString":"am-xssxsxs.ads.aliyuncs.com:3306"}"#,
            ),
            (
                "hybriddb_for_postgresql",
                r#"{"connectionString":"gp-xsaxsaxa-master.gpdbmaster.rds.aliyuncs.com","database":"xsaxsaxas","password":"xsaxsaxsa@11","instanceId":"gp-xsaxsaxsa","port":"541132","ownerId":"xsaxsaxsas","username":"sadsad"}"#,
            ),
            (
                "holo",
                r#"{"accessId":"xsaxsaxs","accessKey":"xsaxsaxsa","database":"xsaxsaxsa","instanceId":"xsaxa","tag":"aliyun"}"#,
            ),
            (
                "kafka",
                r#"{"instanceId":"xsax-cn-xsaxsa","regionId":"cn-shanghai","tag":"aliyun","ownerId":"1212121212112"}"#,
            ),
        ];
        assert_eq!(examples.len(), CONNECTION_TYPES.len());
        for (t, text) in examples {
            let map = parse(text).unwrap();
            validate(t, &map).unwrap_or_else(|e| panic!("{t}: {e}"));
            assert!(valid_types(&map).contains(&t));
            // valid_types (the cheap test on every update) agrees with validate on every type,
            // for the example and for the example missing any one key.
            let mut variants = vec![map.clone()];
            for key in map.keys() {
                let mut fewer = map.clone();
                fewer.remove(key);
                variants.push(fewer);
            }
            for variant in &variants {
                let valid = valid_types(variant);
                for schema in CONTENT_SCHEMAS {
                    let other = schema.connection_type;
                    assert_eq!(
                        valid.contains(&other),
                        validate(other, variant).is_ok(),
                        "{other} on {variant:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_secret_the_spec_marks_is_sealed_and_masked() {
        for schema in CONTENT_SCHEMAS {
            for key in schema.secret {
                assert!(
                    is_secret_key(key),
                    "{}.{key} is x-secret in the spec",
                    schema.name
                );
            }
        }
        assert_eq!(CONNECTION_TYPES.len(), CONTENT_SCHEMAS.len());
    }

    #[test]
    fn refusals_say_why() {
        assert!(parse("[1]").unwrap_err().0.contains("JSON object"));
        assert!(parse("{").unwrap_err().0.contains("not valid JSON"));
        assert!(parse(r#"{"password":5}"#)
            .unwrap_err()
            .0
            .contains("password"));
        let huge = format!(r#"{{"a":"{}"}}"#, "x".repeat(MAX_CONTENT_BYTES));
        assert!(parse(&huge).is_err());
        let map = parse(r#"{"username":"u"}"#).unwrap();
        let err = validate("mysql", &map).unwrap_err();
        assert!(err.0.contains("password"), "{err}");
        assert!(validate("nosuch", &map).is_err());
    }

    #[test]
    fn seal_mask_and_keep() {
        let cipher = Cipher::new(&MasterKey::generate());
        let stored = seal(parse(MYSQL).unwrap(), &cipher);
        assert!(!stored.contains("pw-123"));
        let shown = masked(&stored);
        assert!(shown.contains(MASK) && !shown.contains("enc:v1:"));
        let incoming = parse(&shown).unwrap();
        assert!(has_masked_secret(&incoming));
        let kept = seal_keeping_masked(incoming, &stored, &cipher).unwrap();
        let open = unsealed(&kept, &cipher).unwrap();
        assert_eq!(open["password"], "pw-123");
        let mut changed = parse(&shown).unwrap();
        changed.insert("password".into(), "new-pw".into());
        let resealed = seal_keeping_masked(changed, &stored, &cipher).unwrap();
        assert_eq!(unsealed(&resealed, &cipher).unwrap()["password"], "new-pw");
        let orphan = parse(r#"{"accessKey":"******"}"#).unwrap();
        assert!(seal_keeping_masked(orphan, &stored, &cipher).is_err());
    }

    #[test]
    fn secrets_are_found_in_any_case_and_at_any_depth() {
        let cipher = Cipher::new(&MasterKey::generate());
        let text = r#"{"password":"p","Password":"S3CRET","extra":{"password":"S3CRET2","list":[{"PASSWORD":"S3CRET3"},"plain"]},"a/b":{"Token":"S3CRET4"}}"#;
        let stored = seal(parse(text).unwrap(), &cipher);
        for plain in ["S3CRET", "S3CRET2", "S3CRET3", "S3CRET4", "\"p\""] {
            assert!(!stored.contains(plain), "{plain} stored: {stored}");
        }
        assert!(stored.contains("\"plain\""), "non-secrets stay: {stored}");
        let shown = masked(&stored);
        assert_eq!(shown.matches(MASK).count(), 5, "{shown}");
        assert!(!shown.contains("S3CRET") && !shown.contains("enc:v1:"));
        let open = unsealed(&stored, &cipher).unwrap();
        assert_eq!(open["extra"]["list"][0]["PASSWORD"], "S3CRET3");
        assert_eq!(open["a/b"]["Token"], "S3CRET4");
        // The mask sent back keeps each nested secret from its own place.
        let incoming = parse(&shown).unwrap();
        assert!(has_masked_secret(&incoming));
        let kept = seal_keeping_masked(incoming, &stored, &cipher).unwrap();
        assert_eq!(unsealed(&kept, &cipher).unwrap(), open);
        let moved = parse(r#"{"extra":{"Password":"******"}}"#).unwrap();
        assert!(seal_keeping_masked(moved, &stored, &cipher).is_err());
        let err = parse(r#"{"extra":[{"passWord":5}]}"#).unwrap_err();
        assert!(err.0.contains("/extra/0/passWord"), "{err}");
    }
}
