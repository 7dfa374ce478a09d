//! The parameter parser: any query and body either parse (and then route) or are refused with
//! InvalidParameter, rendered as an envelope.
#![no_main]

use acs_protocol::answer::Format;
use acs_protocol::params::{Params, RpcTarget};
use dataworks_fuzz::assert_renders;
use http::HeaderMap;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (bool, &str, &[u8])| {
    let (form, query, body) = input;
    let ct = form.then_some("application/x-www-form-urlencoded");
    match Params::from_parts(Some(query), ct, body) {
        Ok(p) => {
            if let Err(e) = RpcTarget::resolve(&p, &HeaderMap::new()) {
                assert_renders(&e);
            }
            let _ = Format::from_params(&p);
        }
        Err(e) => {
            assert_eq!(e.code(), "InvalidParameter");
            assert_renders(&e);
        }
    }
});
