//! The hand-written `pe()` equals the `percent-encoding` crate with the unreserved set, and the
//! encoded-order comparison equals comparing encoded strings, for arbitrary input.

use acs_protocol::encoding::{cmp_encoded, pe};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use proptest::prelude::*;

const SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn pe_matches_the_crate(s in any::<String>()) {
        prop_assert_eq!(pe(&s), utf8_percent_encode(&s, SET).to_string());
    }

    #[test]
    fn encoded_order_matches(a in "[a-zA-Z0-9 ~%é_.{}-]{0,6}", b in "[a-zA-Z0-9 ~%é_.{}-]{0,6}") {
        prop_assert_eq!(cmp_encoded(&a, &b), pe(&a).cmp(&pe(&b)));
    }

    #[test]
    fn encoded_order_matches_any(a in any::<String>(), b in any::<String>()) {
        prop_assert_eq!(cmp_encoded(&a, &b), pe(&a).cmp(&pe(&b)));
    }
}

/// Arbitrary bytes that look like form data: the parser must decode exactly like
/// `form_urlencoded::parse` (the reference implementation of the format).
fn form_like() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(
            prop_oneof![
                Just(b'&'),
                Just(b'='),
                Just(b'+'),
                Just(b'%'),
                Just(b'A'),
                Just(b'f'),
                Just(b'9'),
                Just(0xE8u8),
                Just(0xAEu8),
                Just(0xA2u8),
                any::<u8>(),
            ],
            0..64,
        ),
        any::<Vec<u8>>(),
    ]
}

/// Whether a name or value of the form data is not UTF-8 once decoded (`+` a space, `%XY` a
/// byte), computed independently of the parser under test.
fn has_invalid_utf8(input: &[u8]) -> bool {
    input
        .split(|&b| b == b'&')
        .filter(|s| !s.is_empty())
        .flat_map(|pair| {
            let at = pair.iter().position(|&b| b == b'=').unwrap_or(pair.len());
            [&pair[..at], pair.get(at + 1..).unwrap_or_default()]
        })
        .any(|component| {
            let spaced: Vec<u8> = component
                .iter()
                .map(|&b| if b == b'+' { b' ' } else { b })
                .collect();
            let decoded: Vec<u8> = percent_encoding::percent_decode(&spaced).collect();
            std::str::from_utf8(&decoded).is_err()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn params_decode_like_form_urlencoded(input in form_like()) {
        let expected: Vec<(String, String)> = form_urlencoded::parse(&input)
            .map(|(n, v)| (n.into_owned(), v.into_owned()))
            .collect();
        let form = Some("application/x-www-form-urlencoded");
        match acs_protocol::params::Params::from_parts(None, form, &input) {
            Ok(p) => {
                prop_assert!(!has_invalid_utf8(&input), "a component that is not UTF-8 was accepted");
                let got: Vec<(String, String)> =
                    p.iter().map(|(n, v)| (n.to_owned(), v.to_owned())).collect();
                prop_assert_eq!(got, expected);
            }
            Err(e) => {
                // Only a repeated name or a component that is not UTF-8 once decoded (where
                // form_urlencoded would substitute U+FFFD) is refused.
                prop_assert_eq!(e.code(), "InvalidParameter");
                let mut names: Vec<&String> = expected.iter().map(|(n, _)| n).collect();
                names.sort();
                prop_assert!(
                    names.windows(2).any(|w| w[0] == w[1]) || has_invalid_utf8(&input)
                );
            }
        }
    }
}
