//! Ethereum keys bound to accounts: an account (an official or a business) binds a secp256k1 key
//! it controls, proven by an EIP-191 `personal_sign` signature over [`bind_message`], and
//! Ethereum transactions signed with that key are then admitted for it ([`IdentityGate`]
//! (crate::IdentityGate) checks the binding). An unbound Ethereum address can send nothing.

use borsh::{BorshDeserialize, BorshSerialize};
use govchain_crypto::secp256k1;
use govchain_execution::{StateRead, TxContext, TxError, TxErrorKind};
use govchain_types::{Address, Event, PublicKey, Signature};
use serde::{Deserialize, Serialize};

use crate::keys::{self, MODULE};
use crate::model::{Account, AccountKind};

/// An Ethereum key bound to an account (`identity/eth/<address>`).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct EthBinding {
    /// The Ethereum address (of `public_key`).
    pub address: Address,
    /// The secp256k1 key.
    pub public_key: PublicKey,
    /// The account it acts for.
    pub account: Address,
    /// Height of the binding.
    pub bound_at: u64,
}

/// Arguments of `identity.bind_eth_key`, signed by the account.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct BindEthKey {
    /// The secp256k1 key (compressed).
    pub public_key: PublicKey,
    /// `personal_sign` by that key over [`bind_message`] (`r || s`, the recovery byte dropped).
    pub proof: Signature,
}

/// Arguments of `identity.unbind_eth_key`, signed by the bound account or an admin of its
/// organisation.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct UnbindEthKey {
    /// The Ethereum address.
    pub address: Address,
}

/// What the Ethereum key signs (with `personal_sign`) to be bound to `account` on `chain_id`.
pub fn bind_message(chain_id: &str, account: &Address) -> String {
    format!("GovChain: bind this Ethereum key to account {account} on chain {chain_id}")
}

/// The binding of an Ethereum address, if any.
pub fn eth_binding(ctx: &mut TxContext<'_>, address: &Address) -> Result<Option<EthBinding>, TxError> {
    ctx.get_as::<EthBinding>(&keys::eth_key(address))
}

/// The binding of an Ethereum address in committed state (queries).
pub fn eth_binding_at(state: &dyn StateRead, address: &Address) -> Result<Option<EthBinding>, TxError> {
    match state.get(&keys::eth_key(address))? {
        Some(b) => borsh::from_slice(&b).map(Some).map_err(TxError::storage),
        None => Ok(None),
    }
}

/// The account an EVM address acts for: the account an Ethereum key is bound to, or the address
/// itself when it is a registered account (native accounts calling through `evm.call`).
pub fn acting_account(ctx: &mut TxContext<'_>, address: &Address) -> Result<Option<Account>, TxError> {
    let account = match eth_binding(ctx, address)? {
        Some(b) => b.account,
        None => *address,
    };
    ctx.get_as::<Account>(&keys::account(&account))
}

pub(crate) fn bind(ctx: &mut TxContext<'_>, b: BindEthKey, write: bool) -> Result<(), TxError> {
    let PublicKey::Secp256k1(k) = &b.public_key else {
        return Err(TxError::invalid_args("public_key must be a secp256k1 key"));
    };
    let address = Address(secp256k1::eth_address(k).map_err(|e| TxError::invalid_args(e.to_string()))?);
    let account = ctx.signer;
    let acct = ctx
        .get_as::<Account>(&keys::account(&account))?
        .ok_or_else(|| TxError::not_found(format!("no account {account}")))?;
    if !acct.active {
        return Err(TxError::unauthorized("account is suspended"));
    }
    if acct.kind == AccountKind::Citizen {
        return Err(TxError::unauthorized("only officials and businesses bind Ethereum keys"));
    }
    let msg = secp256k1::personal_message(bind_message(&ctx.env().chain_id, &account).as_bytes());
    b.public_key
        .verify(&msg, &b.proof)
        .map_err(|e| TxError::new(TxErrorKind::Unauthorized, format!("proof of key possession: {e}")))?;
    if let Some(existing) = eth_binding(ctx, &address)? {
        return Err(TxError::already_exists(format!("{address} is already bound to {}", existing.account)));
    }
    if !write {
        return Ok(());
    }
    let binding = EthBinding { address, public_key: b.public_key, account, bound_at: ctx.height() };
    ctx.put_as(keys::eth_key(&address), &binding)?;
    ctx.emit(Event::new(MODULE, "eth_key_bound", &[("address", address.to_text()), ("account", account.to_text())]))
}

pub(crate) fn unbind(ctx: &mut TxContext<'_>, u: UnbindEthKey, write: bool) -> Result<(), TxError> {
    let binding =
        eth_binding(ctx, &u.address)?.ok_or_else(|| TxError::not_found(format!("{} is not bound", u.address)))?;
    if binding.account != ctx.signer {
        let acct = ctx
            .get_as::<Account>(&keys::account(&binding.account))?
            .ok_or_else(|| TxError::not_found("the bound account is gone"))?;
        let org = crate::load_org(ctx, &acct.org)?;
        if !org.admins.contains(&ctx.signer) {
            return Err(TxError::unauthorized("only the bound account or an admin of its organisation may unbind"));
        }
    }
    if !write {
        return Ok(());
    }
    ctx.delete(keys::eth_key(&u.address))?;
    ctx.emit(Event::new(
        MODULE,
        "eth_key_unbound",
        &[("address", u.address.to_text()), ("account", binding.account.to_text())],
    ))
}

/// The signer gate for a secp256k1 signer: its address must be bound to an active account with
/// exactly this key. The signer stays the Ethereum address (its own nonce sequence, as Ethereum
/// tools expect).
pub(crate) fn check_signer(ctx: &mut TxContext<'_>) -> Result<Address, TxError> {
    let address = ctx.signer;
    let binding = eth_binding(ctx, &address)?.ok_or_else(|| {
        TxError::new(TxErrorKind::UnknownSigner, format!("{address} is not bound to a GovChain account"))
    })?;
    if &binding.public_key != ctx.signer_key {
        return Err(TxError::new(TxErrorKind::UnknownSigner, "signer key is not the bound key"));
    }
    let acct = ctx
        .get_as::<Account>(&keys::account(&binding.account))?
        .ok_or_else(|| TxError::new(TxErrorKind::UnknownSigner, "the bound account is not registered"))?;
    if !acct.active {
        return Err(TxError::new(TxErrorKind::AccountSuspended, format!("{} is suspended", binding.account)));
    }
    Ok(address)
}
