//! The Content parser: any text is parsed or refused; a parsed Content validates (or not) for
//! every type without panicking, and sealing then unsealing gives back the same object, while
//! the masked form keeps every key.
#![no_main]

use connection_service::content;
use connection_service::crypto::{Cipher, MasterKey};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const TYPES: &[&str] = &[
    "odps",
    "mysql",
    "rds",
    "oss",
    "sqlserver",
    "polardb",
    "oracle",
    "mongodb",
    "emr",
    "postgresql",
    "analyticdb_for_mysql",
    "hybriddb_for_postgresql",
    "holo",
    "kafka",
];

fn cipher() -> &'static Cipher {
    static C: OnceLock<Cipher> = OnceLock::new();
    C.get_or_init(|| Cipher::new(&MasterKey::generate()))
}

fuzz_target!(|text: &str| {
    let Ok(map) = content::parse(text) else {
        return;
    };
    for t in TYPES {
        let _ = content::validate(t, &map);
    }
    let _ = content::valid_types(&map);
    let sealed = content::seal(map.clone(), cipher());
    let opened = content::unsealed(&sealed, cipher()).expect("our own sealed Content opens");
    assert_eq!(opened, map, "seal/unseal changed the Content");
    let masked: serde_json::Value =
        serde_json::from_str(&content::masked(&sealed)).expect("masked Content is JSON");
    let masked = masked.as_object().expect("masked Content is an object");
    assert!(
        map.keys().all(|k| masked.contains_key(k)),
        "masking lost a key"
    );
});
