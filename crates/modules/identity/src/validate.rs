//! Identity's own argument rules (on top of `govchain_types::validate`), shared by genesis
//! loading and methods.

use govchain_execution::TxError;
use govchain_types::validate;

use crate::model::{Organisation, Role};

/// Most admins per organisation.
pub const MAX_ADMINS: usize = 16;
/// Most roles per organisation.
pub const MAX_ROLES: usize = 32;
/// Most permissions per role.
pub const MAX_PERMISSIONS: usize = 32;
/// Most roles per account.
pub const MAX_ACCOUNT_ROLES: usize = 16;

/// A permission: `module.action` or `module.*`, 1–64 of `a-z 0-9 . _ : * -`.
pub fn permission(p: &str) -> Result<(), TxError> {
    let ok = p.len() <= 64
        && p.contains('.')
        && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._:*-".contains(&b));
    if ok { Ok(()) } else { Err(TxError::invalid_args(format!("bad permission {p:?}"))) }
}

/// A role definition.
pub fn role(r: &Role) -> Result<(), TxError> {
    validate::slug("role name", &r.name)?;
    if r.permissions.len() > MAX_PERMISSIONS {
        return Err(TxError::invalid_args("too many permissions in role"));
    }
    r.permissions.iter().try_for_each(|p| permission(p))
}

/// A whole organisation (genesis and governance).
pub fn organisation(o: &Organisation) -> Result<(), TxError> {
    validate::slug("organisation id", &o.id)?;
    validate::name("organisation name", &o.name)?;
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
