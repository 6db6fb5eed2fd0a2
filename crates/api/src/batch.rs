//! Parsing a batch body with bounded memory: the number of entries is checked against the cap
//! before any entry is copied (a 32 MiB body of empty entries would otherwise become millions of
//! allocations).

use std::fmt;

use govchain_api_types::ApiError;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

fn too_many(max: usize) -> ApiError {
    ApiError::bad_request("batch_too_large", format!("at most {max} transactions per batch"))
}

fn truncated() -> ApiError {
    ApiError::bad_request("truncated_encoding", "the batch ends inside an entry")
}

fn read_u32(b: &[u8], at: usize) -> Result<usize, ApiError> {
    let bytes: [u8; 4] = b.get(at..at + 4).and_then(|s| s.try_into().ok()).ok_or_else(truncated)?;
    Ok(u32::from_le_bytes(bytes) as usize)
}

/// The entries of a binary batch (borsh `Vec<Vec<u8>>`), as slices of the body. The count
/// prefix is checked against `max` first; trailing bytes are refused.
pub fn binary(body: &[u8], max: usize) -> Result<Vec<&[u8]>, ApiError> {
    let count = read_u32(body, 0)?;
    if count > max {
        return Err(too_many(max));
    }
    let mut out = Vec::with_capacity(count);
    let mut at = 4;
    for _ in 0..count {
        let len = read_u32(body, at)?;
        let end = (at + 4).checked_add(len).filter(|e| *e <= body.len()).ok_or_else(truncated)?;
        out.push(&body[at + 4..end]);
        at = end;
    }
    if at != body.len() {
        return Err(ApiError::bad_request("malformed_encoding", "trailing bytes after the batch"));
    }
    Ok(out)
}

/// The hex entries of a JSON batch `{"txs": ["…", …]}`; parsing stops at entry `max + 1`.
pub fn json(body: &[u8], max: usize) -> Result<Vec<String>, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let parsed = Body(max).deserialize(&mut de).and_then(|txs| de.end().map(|_| txs));
    match parsed {
        Ok(Some(txs)) => Ok(txs),
        Ok(None) => Err(ApiError::bad_request("missing_field", "missing field `txs`")),
        Err(e) if e.to_string().starts_with(TOO_MANY) => Err(too_many(max)),
        Err(e) => Err(govchain_component::http::json_error(e)),
    }
}

const TOO_MANY: &str = "batch_too_large";

struct Body(usize);

impl<'de> DeserializeSeed<'de> for Body {
    type Value = Option<Vec<String>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Body {
    type Value = Option<Vec<String>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object {\"txs\": [hex, …]}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut txs = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "txs" && txs.is_none() {
                txs = Some(map.next_value_seed(Entries(self.0))?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(txs)
    }
}

struct Entries(usize);

impl<'de> DeserializeSeed<'de> for Entries {
    type Value = Vec<String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Entries {
    type Value = Vec<String>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of hex strings")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(s) = seq.next_element::<String>()? {
            if out.len() == self.0 {
                return Err(serde::de::Error::custom(TOO_MANY));
            }
            out.push(s);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_checked_before_entries_are_read() {
        let mut body = 10_000_000u32.to_le_bytes().to_vec();
        body.extend([0u8; 64]);
        assert_eq!(binary(&body, 5000).expect_err("too many").code, "batch_too_large");
        let ok = govchain_types::codec::encode(&vec![vec![1u8, 2], vec![3u8]]);
        assert_eq!(binary(&ok, 5000).expect("parses"), vec![&[1u8, 2][..], &[3u8][..]]);
        let mut trailing = ok.clone();
        trailing.push(0);
        assert_eq!(binary(&trailing, 5000).expect_err("trailing").code, "malformed_encoding");
        assert_eq!(binary(&ok[..ok.len() - 1], 5000).expect_err("short").code, "truncated_encoding");
        assert_eq!(binary(&[1, 0], 5000).expect_err("short").code, "truncated_encoding");
    }

    #[test]
    fn json_batches_stop_at_the_cap() {
        let many = format!("{{\"txs\": [{}]}}", ["\"00\""; 6].join(","));
        assert_eq!(json(many.as_bytes(), 5).expect_err("too many").code, "batch_too_large");
        assert_eq!(json(br#"{"txs": ["ab", "cd"], "x": 1}"#, 5).expect("parses"), vec!["ab", "cd"]);
        assert_eq!(json(br#"{"other": 1}"#, 5).expect_err("missing").code, "missing_field");
        assert_eq!(json(br#"{"txs": "no"}"#, 5).expect_err("wrong").code, "invalid_json");
        assert_eq!(json(br#"{"txs": []} x"#, 5).expect_err("trailing").code, "invalid_json");
    }
}
