//! The token layer against RFC 9474's published test vector (RSABSSA-SHA384-PSS-Randomized,
//! appendix A): the RFC's final signature verifies under its key through our interface, and a
//! changed message, randomizer or signature does not.

use govchain_participation::token::{self, Token, TokenError};

fn unhex(s: &str) -> Vec<u8> {
    let s = s.trim_start_matches("0x");
    let s = if s.len() % 2 == 1 { format!("0{s}") } else { s.to_string() };
    hex::decode(s).expect("hex")
}

/// DER of an INTEGER (unsigned big-endian magnitude).
fn der_int(mut v: Vec<u8>) -> Vec<u8> {
    while v.len() > 1 && v[0] == 0 {
        v.remove(0);
    }
    if v[0] & 0x80 != 0 {
        v.insert(0, 0);
    }
    tlv(0x02, &v)
}

fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = body.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let len = n.to_be_bytes();
        let len: Vec<u8> = len.iter().copied().skip_while(|b| *b == 0).collect();
        out.push(0x80 | len.len() as u8);
        out.extend(len);
    }
    out.extend(body);
    out
}

#[test]
fn the_rfc_vector_verifies_and_changes_do_not() {
    let v: serde_json::Value =
        serde_json::from_str(include_str!("data/rfc9474-sha384-pss-randomized.json")).expect("vector");
    let field = |k: &str| unhex(v[k].as_str().expect("field"));
    // PKCS#1 RSAPublicKey: SEQUENCE { n INTEGER, e INTEGER }.
    let mut body = der_int(field("n"));
    body.extend(der_int(field("e")));
    let der = tlv(0x30, &body);
    let msg = field("msg");
    let randomizer: [u8; 32] = field("msg_prefix").try_into().expect("32-byte prefix");
    let t = Token { randomizer, signature: field("sig") };
    token::verify(&der, &msg, &t).expect("RFC 9474 A.1 signature verifies");

    let mut other = msg.clone();
    other[0] ^= 1;
    assert_eq!(token::verify(&der, &other, &t), Err(TokenError::BadSignature));
    let mut r = t.clone();
    r.randomizer[0] ^= 1;
    assert_eq!(token::verify(&der, &msg, &r), Err(TokenError::BadSignature));
    let mut s = t.clone();
    s.signature[10] ^= 1;
    assert_eq!(token::verify(&der, &msg, &s), Err(TokenError::BadSignature));
}
