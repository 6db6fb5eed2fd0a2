//! Argument checks shared by genesis loading and methods.

use govchain_execution::TxError;

use crate::model::{Organisation, Role};

/// Most admins per organisation.
pub const MAX_ADMINS: usize = 16;
/// Most roles per organisation.
pub const MAX_ROLES: usize = 32;
/// Most permissions per role.
pub const MAX_PERMISSIONS: usize = 32;
/// Most roles per account.
pub const MAX_ACCOUNT_ROLES: usize = 16;

/// A slug: 1–32 of `a-z 0-9 -`.
pub fn slug(what: &str, s: &str) -> Result<(), TxError> {
    let ok =
        !s.is_empty() && s.len() <= 32 && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok { Ok(()) } else { Err(TxError::invalid_args(format!("{what} must be 1-32 characters of a-z, 0-9, '-'"))) }
}

/// A permission: `module.action` or `module.*`, 1–64 of `a-z 0-9 . _ : * -`.
pub fn permission(p: &str) -> Result<(), TxError> {
    let ok = p.len() <= 64
        && p.contains('.')
        && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._:*-".contains(&b));
    if ok { Ok(()) } else { Err(TxError::invalid_args(format!("bad permission {p:?}"))) }
}

/// A role definition.
pub fn role(r: &Role) -> Result<(), TxError> {
    slug("role name", &r.name)?;
    if r.permissions.len() > MAX_PERMISSIONS {
        return Err(TxError::invalid_args("too many permissions in role"));
    }
    r.permissions.iter().try_for_each(|p| permission(p))
}

/// A whole organisation (genesis).
pub fn organisation(o: &Organisation) -> Result<(), TxError> {
    slug("organisation id", &o.id)?;
    if o.name.is_empty() || o.name.len() > 128 {
        return Err(TxError::invalid_args("organisation name must be 1-128 bytes"));
    }
    if o.admins.is_empty() || o.admins.len() > MAX_ADMINS {
        return Err(TxError::invalid_args("organisation needs 1-16 admins"));
    }
    if o.roles.len() > MAX_ROLES {
        return Err(TxError::invalid_args("too many roles"));
    }
    o.roles.iter().try_for_each(role)
}

/// True when `granted` (possibly `module.*`) covers `wanted`.
pub fn grants(granted: &str, wanted: &str) -> bool {
    granted == wanted
        || granted.strip_suffix(".*").is_some_and(|m| wanted.strip_prefix(m).is_some_and(|rest| rest.starts_with('.')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_permissions() {
        assert!(grants("records.publish", "records.publish"));
        assert!(grants("records.*", "records.amend"));
        assert!(!grants("records.*", "recordsx.amend"));
        assert!(!grants("records.publish", "records.amend"));
    }
}
