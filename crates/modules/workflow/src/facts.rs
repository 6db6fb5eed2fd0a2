//! Chain facts for conditions, read from state through the owning modules' typed functions.

use std::sync::Arc;

use cel::Value as CelValue;
use govchain_execution::{TxContext, TxError};
use govchain_types::Hash32;

use crate::expr::{ExprError, Facts};
use crate::{keys, model::RegisterEntry};

/// Facts answered from the state a transaction sees.
pub struct StateFacts<'c, 'a> {
    /// The transaction's context.
    pub ctx: &'c mut TxContext<'a>,
    /// A storage failure met while answering (it must fail the block, not the condition).
    pub storage: Option<TxError>,
}

fn text<'v>(name: &str, args: &'v [CelValue], i: usize) -> Result<&'v str, ExprError> {
    match args.get(i) {
        Some(CelValue::String(s)) => Ok(s.as_str()),
        _ => Err(ExprError::Eval(format!("{name}: argument {} must be a string", i + 1))),
    }
}

impl StateFacts<'_, '_> {
    fn read<T>(&mut self, r: Result<T, TxError>) -> Result<T, ExprError> {
        r.map_err(|e| {
            let msg = e.message.clone();
            if e.is_storage() {
                self.storage = Some(e);
            }
            ExprError::Eval(msg)
        })
    }
}

/// The latest entry of a register.
pub fn register_entry(
    ctx: &mut TxContext<'_>,
    org: &str,
    register: &str,
    key: &str,
) -> Result<Option<RegisterEntry>, TxError> {
    ctx.get_as(&keys::register(org, register, key))
}

impl Facts for StateFacts<'_, '_> {
    fn fact(&mut self, name: &str, args: &[CelValue]) -> Result<CelValue, ExprError> {
        match name {
            "has_valid_certificate" => {
                let holder = text(name, args, 0)?;
                let type_id = text(name, args, 1)?;
                let Some(h) = hex::decode(holder).ok().and_then(|b| <[u8; 32]>::try_from(b).ok()) else {
                    return Ok(CelValue::Bool(false));
                };
                let r = govchain_certificates::facts::holder_has_valid(self.ctx, type_id, &Hash32(h));
                self.read(r).map(CelValue::Bool)
            }
            "certificate_valid" => {
                let (id, type_id) = (text(name, args, 0)?, text(name, args, 1)?);
                let r = govchain_certificates::facts::is_valid(self.ctx, id, type_id);
                self.read(r).map(CelValue::Bool)
            }
            "record_exists" => {
                let (org, cat, tag) = (text(name, args, 0)?, text(name, args, 1)?, text(name, args, 2)?);
                let r = govchain_records::facts::active_with_tag(self.ctx, org, cat, tag);
                self.read(r).map(|n| CelValue::Bool(n > 0))
            }
            "register_has" | "register_get" => {
                let (org, reg, key) = (text(name, args, 0)?, text(name, args, 1)?, text(name, args, 2)?);
                let r = register_entry(self.ctx, org, reg, key);
                let entry = self.read(r)?;
                if name == "register_has" {
                    return Ok(CelValue::Bool(entry.is_some()));
                }
                let field = text(name, args, 3)?;
                Ok(entry
                    .and_then(|e| e.values.get(field).map(crate::expr::to_cel))
                    .unwrap_or_else(|| CelValue::String(Arc::new(String::new()))))
            }
            other => Err(ExprError::Eval(format!("no fact {other}"))),
        }
    }
}
