//! The v1 (HMAC-SHA1) verifier: client-signed requests verify; mutated ones verify only when
//! nothing signed changed; every refusal renders.
#![no_main]

use acs_protocol::signature::SignatureVersion;
use dataworks_fuzz::{sign_mutate_verify, Input};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: Input| sign_mutate_verify(SignatureVersion::V1, &input));
