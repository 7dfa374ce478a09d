//! Secret-bearing types never show their value through Debug, Display or serialization.

use std::marker::PhantomData;

use acs_protocol::auth::{Caller, Credential};
use acs_protocol::secret::{AccessKeySecret, SecurityToken};
use acs_protocol::signature::SignatureVersion;
use acs_protocol::signing::{Credentials, SignRequest};
use http::Method;
use time::OffsetDateTime;

const SECRET: &str = "s3cr3t-VALUE-123";
const TOKEN: &str = "t0ken-VALUE-456";

/// Autoref trick: `implements_serialize::<T>()` is true only if `T: Serialize`.
struct Probe<T>(PhantomData<T>);
trait No {
    fn is_serialize(&self) -> bool {
        false
    }
}
impl<T> No for Probe<T> {}
impl<T: serde::Serialize> Probe<T> {
    fn is_serialize(&self) -> bool {
        true
    }
}

#[test]
fn secret_types_do_not_implement_serialize() {
    assert!(!Probe::<AccessKeySecret>(PhantomData).is_serialize());
    assert!(!Probe::<SecurityToken>(PhantomData).is_serialize());
    assert!(!Probe::<Credentials>(PhantomData).is_serialize());
    assert!(!Probe::<Credential>(PhantomData).is_serialize());
    assert!(!Probe::<Caller>(PhantomData).is_serialize());
    // The probe itself works.
    assert!(Probe::<String>(PhantomData).is_serialize());
}

#[test]
fn debug_and_display_never_show_values() {
    let secret = AccessKeySecret::new(SECRET);
    let token = SecurityToken::new(TOKEN);
    let creds = Credentials::new("id", SECRET).with_security_token(TOKEN);
    let credential = Credential {
        secret: secret.clone(),
        principal: "u1".into(),
        active: true,
    };
    let caller = Caller {
        access_key_id: "id".into(),
        principal: "u1".into(),
        security_token: Some(token.clone()),
        signature_version: SignatureVersion::V3,
    };
    let params = vec![(
        "Content".to_owned(),
        "{\"password\":\"pw-VALUE\"}".to_owned(),
    )];
    let req = SignRequest {
        method: &Method::GET,
        host: "h",
        action: "A",
        version: "V",
        params: &params,
        credentials: &creds,
        scheme: SignatureVersion::V1,
        nonce: "n",
        timestamp: OffsetDateTime::UNIX_EPOCH,
    };
    let signed = acs_protocol::signing::sign_request(&req).expect("signs");
    let mut v3 = req.clone();
    v3.scheme = SignatureVersion::V3;
    let signed_v3 = acs_protocol::signing::sign_request(&v3).expect("signs");
    let signed_shown = format!("{signed:?} {signed_v3:?}");
    assert!(!signed_shown.contains("VALUE"), "{signed_shown}");
    assert!(signed_shown.contains("authorization"), "{signed_shown}");
    let shown = [
        format!("{secret:?} {secret} {secret:#?}"),
        format!("{token:?} {token} {token:#?}"),
        format!("{creds:?} {creds:#?}"),
        format!("{credential:?}"),
        format!("{caller:?}"),
        format!("{req:?}"),
    ];
    for s in shown {
        assert!(!s.contains("VALUE"), "{s}");
        assert!(s.contains("***"), "{s}");
    }
    assert_eq!(secret.expose(), SECRET);
    assert_eq!(token.expose(), TOKEN);
}

#[test]
fn secrets_deserialize_from_config_but_stay_redacted() {
    let s: AccessKeySecret = serde_json::from_str("\"from-config-VALUE\"").expect("json");
    assert_eq!(s.expose(), "from-config-VALUE");
    assert_eq!(format!("{s:?}"), "AccessKeySecret(***)");
}
