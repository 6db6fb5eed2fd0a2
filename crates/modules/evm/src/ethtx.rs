//! Ethereum transactions as GovChain carries them: decoding (alloy), sender recovery (k256), and
//! the canonical GovChain envelope of one (see docs/adr/010-evm-accounts.md).

use alloy_consensus::{Transaction as _, TxEnvelope};
use alloy_eips::eip2718::{Decodable2718 as _, Encodable2718 as _};
use govchain_crypto::secp256k1;
use govchain_types::bounded::BoundedString;
use govchain_types::{Address, Call, Method as _, PublicKey, Signature, SignedTransaction, Transaction};

use crate::model::EthTx;

/// Why a raw Ethereum transaction is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EthTxError {
    /// Not a decodable EIP-2718 transaction.
    #[error("transaction does not decode: {0}")]
    Decode(String),
    /// A type GovChain does not run (blob and set-code transactions).
    #[error("transaction type {0} is not accepted (legacy with EIP-155, EIP-2930 and EIP-1559 are)")]
    Type(u8),
    /// A legacy transaction without an EIP-155 chain id (replayable on any chain).
    #[error("transaction has no EIP-155 chain id")]
    NoChainId,
    /// Signed for another chain.
    #[error("transaction is for chain id {got}; this chain's is {expected}")]
    WrongChainId {
        /// The transaction's.
        got: u64,
        /// This chain's.
        expected: u64,
    },
    /// Bad signature (including a high `s`, EIP-2).
    #[error("invalid signature: {0}")]
    Signature(String),
    /// Sends value: GovChain has no currency.
    #[error("transactions may not send value (GovChain has no currency)")]
    Value,
}

/// A decoded, signature-checked Ethereum transaction.
#[derive(Clone, Debug)]
pub struct Decoded {
    /// keccak-256 of the raw bytes: the hash Ethereum tools know it by.
    pub hash: [u8; 32],
    /// Recovered signer (compressed secp256k1).
    pub signer: [u8; 33],
    /// Its address.
    pub from: Address,
    /// `r || s`.
    pub rs: [u8; 64],
    /// Chain id.
    pub chain_id: u64,
    /// Nonce.
    pub nonce: u64,
    /// Gas limit.
    pub gas_limit: u64,
    /// Callee; None for a deployment.
    pub to: Option<Address>,
    /// Input.
    pub input: Vec<u8>,
    /// EIP-2718 type (0 legacy, 1 EIP-2930, 2 EIP-1559).
    pub tx_type: u8,
    /// Access list entries: (address, storage keys).
    pub access_list: Vec<([u8; 20], Vec<[u8; 32]>)>,
    /// Gas price (legacy / 2930) or max fee per gas (1559), as signed; charged nothing.
    pub gas_price: u128,
    /// Max priority fee (1559).
    pub max_priority_fee: Option<u128>,
}

/// Recovered transactions by (keccak-256 of the raw bytes, chain id): a transaction is decoded
/// and its signer recovered when it arrives over JSON-RPC, again in admission and again when a
/// block carrying it executes; recovery is a pure function of those bytes, so its result is
/// kept. Bounded; an evicted entry is recomputed.
static RECOVERED: std::sync::OnceLock<quick_cache::sync::Cache<([u8; 32], u64), Decoded>> = std::sync::OnceLock::new();

/// Decodes a raw transaction, recovers its signer and checks it is for `chain_id`.
pub fn decode(raw: &[u8], chain_id: u64) -> Result<Decoded, EthTxError> {
    let cache = RECOVERED.get_or_init(|| quick_cache::sync::Cache::new(65_536));
    let key = (secp256k1::keccak256(raw), chain_id);
    if let Some(d) = cache.get(&key) {
        return Ok(d);
    }
    let d = decode_with(raw, chain_id, true)?;
    cache.insert(key, d.clone());
    Ok(d)
}

/// Decodes a raw transaction whose signature was verified already (in the envelope check of
/// the same execution): `signer` and `from` are left zero.
pub fn parse(raw: &[u8], chain_id: u64) -> Result<Decoded, EthTxError> {
    decode_with(raw, chain_id, false)
}

fn decode_with(raw: &[u8], chain_id: u64, recover: bool) -> Result<Decoded, EthTxError> {
    let env = TxEnvelope::decode_2718_exact(raw).map_err(|e| EthTxError::Decode(e.to_string()))?;
    let tx_type = env.tx_type() as u8;
    if !matches!(tx_type, 0..=2) {
        return Err(EthTxError::Type(tx_type));
    }
    let got = env.chain_id().ok_or(EthTxError::NoChainId)?;
    if got != chain_id {
        return Err(EthTxError::WrongChainId { got, expected: chain_id });
    }
    if !env.value().is_zero() {
        return Err(EthTxError::Value);
    }
    let sig = env.signature();
    let mut rs = [0u8; 64];
    rs[..32].copy_from_slice(&sig.r().to_be_bytes::<32>());
    rs[32..].copy_from_slice(&sig.s().to_be_bytes::<32>());
    let (signer, from) = if recover {
        let digest: [u8; 32] = env.signature_hash().0;
        let signer = secp256k1::recover(&digest, &rs, sig.v()).map_err(|e| EthTxError::Signature(e.to_string()))?;
        (signer, PublicKey::Secp256k1(signer).address(govchain_types::Suite::Ed25519Sha256))
    } else {
        ([0u8; 33], Address::default())
    };
    let access_list = env
        .access_list()
        .map(|l| l.iter().map(|i| (i.address.0.0, i.storage_keys.iter().map(|k| k.0).collect())).collect())
        .unwrap_or_default();
    Ok(Decoded {
        hash: env.tx_hash().0,
        signer,
        from,
        rs,
        chain_id: got,
        nonce: env.nonce(),
        gas_limit: env.gas_limit(),
        to: env.to().map(|a| Address(a.0.0)),
        input: env.input().to_vec(),
        tx_type,
        access_list,
        gas_price: env.max_fee_per_gas(),
        max_priority_fee: env.max_priority_fee_per_gas(),
    })
}

/// The GovChain transaction that carries a raw Ethereum transaction: signer the recovered key,
/// signature its `r || s`, nonce its nonce, never expiring. Anyone can build it from the raw
/// bytes, and the evm module accepts only this exact envelope.
pub fn envelope(chain: &str, raw: &[u8], d: &Decoded) -> Result<SignedTransaction, EthTxError> {
    let args = borsh::to_vec(&EthTx { raw: raw.to_vec() }).map_err(|e| EthTxError::Decode(e.to_string()))?;
    let call = Call::new(EthTx::MODULE, EthTx::METHOD, args).map_err(|e| EthTxError::Decode(e.to_string()))?;
    Ok(SignedTransaction {
        tx: Transaction {
            chain_id: BoundedString::new(chain).map_err(|e| EthTxError::Decode(e.to_string()))?,
            signer: PublicKey::Secp256k1(d.signer),
            nonce: d.nonce,
            expires_at_height: u64::MAX,
            payload: govchain_types::Payload::Call(call),
        },
        signature: Signature::Secp256k1(d.rs),
    })
}

/// Re-encodes a decoded envelope (tests and tools).
pub fn encode(env: &TxEnvelope) -> Vec<u8> {
    env.encoded_2718()
}

/// Signs an EIP-1559 transaction with a secp256k1 key and returns the raw bytes (the benchmark,
/// tests and the CLI; wallets do this themselves).
pub fn sign_1559(key: &govchain_crypto::SecretKey, tx: alloy_consensus::TxEip1559) -> Option<Vec<u8>> {
    use alloy_consensus::SignableTransaction as _;
    let digest = tx.signature_hash().0;
    let (rs, odd) = key.sign_digest_recoverable(&digest)?;
    let sig = alloy_primitives::Signature::new(
        alloy_primitives::U256::from_be_slice(&rs[..32]),
        alloy_primitives::U256::from_be_slice(&rs[32..]),
        odd,
    );
    Some(encode(&TxEnvelope::from(tx.into_signed(sig))))
}
