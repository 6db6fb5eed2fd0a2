//! The one set of rules for identifiers, reasons and lengths, used by transaction methods,
//! genesis loading and API query parameters alike.

use thiserror::Error;

/// Most bytes of a slug (organisation, role, category, record id prefix).
pub const MAX_SLUG: usize = 32;
/// Most bytes of an identifier with `_` allowed (certificate types, fields).
pub const MAX_IDENT: usize = 48;
/// Most bytes of a reason (amendment, withdrawal, revocation, proposal).
pub const MAX_REASON: usize = 1024;
/// Most bytes of a display name.
pub const MAX_NAME: usize = 128;
/// Most bytes of an object id in an API path (record, certificate, type).
pub const MAX_PATH_ID: usize = 64;

/// A value that breaks a rule: `what` names the argument, `rule` says what it must be.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("{what} must be {rule}")]
pub struct Invalid {
    /// The argument, e.g. `category`.
    pub what: String,
    /// The rule, e.g. `1-32 characters of a-z, 0-9, '-'`.
    pub rule: String,
}

fn invalid(what: &str, rule: String) -> Invalid {
    Invalid { what: what.into(), rule }
}

/// A slug: 1–32 of `a-z 0-9 -` (organisation ids, roles, categories).
pub fn slug(what: &str, s: &str) -> Result<(), Invalid> {
    let ok = !s.is_empty()
        && s.len() <= MAX_SLUG
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok { Ok(()) } else { Err(invalid(what, format!("1-{MAX_SLUG} characters of a-z, 0-9, '-'"))) }
}

/// An identifier: 1–48 of `a-z 0-9 - _` (certificate types and their fields).
pub fn ident(what: &str, s: &str) -> Result<(), Invalid> {
    let ok = !s.is_empty()
        && s.len() <= MAX_IDENT
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok { Ok(()) } else { Err(invalid(what, format!("1-{MAX_IDENT} characters of a-z, 0-9, '-', '_'"))) }
}

/// An object id in an API path: 1–64 of `A-Z a-z 0-9 - _`.
pub fn path_id(what: &str, s: &str) -> Result<(), Invalid> {
    let ok = !s.is_empty()
        && s.len() <= MAX_PATH_ID
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok { Ok(()) } else { Err(invalid(what, format!("1-{MAX_PATH_ID} characters of A-Z, a-z, 0-9, '-', '_'"))) }
}

/// Lower-case hex of exactly `len` characters.
pub fn hex_id(what: &str, s: &str, len: usize) -> Result<(), Invalid> {
    let ok = s.len() == len && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if ok { Ok(()) } else { Err(invalid(what, format!("{len} lower-case hex characters"))) }
}

/// A reason: not blank, at most [`MAX_REASON`] bytes.
pub fn reason(s: &str) -> Result<(), Invalid> {
    text("reason", s, MAX_REASON)
}

/// A display name: not blank, at most [`MAX_NAME`] bytes.
pub fn name(what: &str, s: &str) -> Result<(), Invalid> {
    text(what, s, MAX_NAME)
}

/// Text that is not blank and at most `max` bytes.
pub fn text(what: &str, s: &str, max: usize) -> Result<(), Invalid> {
    if s.trim().is_empty() || s.len() > max { Err(invalid(what, format!("1-{max} bytes, not blank"))) } else { Ok(()) }
}

/// At most `max` items.
pub fn count(what: &str, n: usize, max: usize) -> Result<(), Invalid> {
    if n > max { Err(invalid(what, format!("at most {max} items"))) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert!(slug("org", "finance-2").is_ok());
        assert!(slug("org", "Finance").is_err());
        assert!(slug("org", "").is_err());
        assert!(slug("org", &"a".repeat(33)).is_err());
        assert!(ident("type", "business_licence-2").is_ok());
        assert!(path_id("id", "finance-000001").is_ok());
        assert!(path_id("id", "a/b").is_err());
        assert!(hex_id("id", &"ab".repeat(32), 64).is_ok());
        assert!(hex_id("id", &"AB".repeat(32), 64).is_err());
        assert!(reason(" ").is_err());
        assert!(reason(&"x".repeat(MAX_REASON + 1)).is_err());
        assert_eq!(
            slug("category", "X").expect_err("refused").to_string(),
            "category must be 1-32 characters of a-z, 0-9, '-'"
        );
    }
}
