//! The development chain's Ethereum side: the well-known first development key of Hardhat and
//! Anvil (public, for development only) is bound to `market-admin`, whose `contract-developer`
//! role may deploy, so ethers, viem and Foundry work against `/rpc` at once.

use std::path::Path;

use eyre::{Result, eyre};
use govchain_crypto::{Algorithm, SecretKey, secp256k1};
use govchain_sdk::Client;
use govchain_types::Suite;

/// The development Ethereum private key (Hardhat/Anvil account #0: PUBLIC, never use it
/// outside development).
pub const DEV_ETH_KEY: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
/// Where the dev chain writes it (hex), for `--private-key $(cat …)`.
pub const DEV_ETH_KEY_FILE: &str = "keys/eth-dev.key";

/// Binds the development Ethereum key to `market-admin`.
pub async fn seed(url: &str, home: &Path) -> Result<()> {
    let client = Client::new(url);
    let status = client.status().await?;
    let suite = Suite::from_name(&status.suite).ok_or_else(|| eyre!("suite"))?;
    let bytes = hex::decode(DEV_ETH_KEY)?;
    let eth = SecretKey::from_bytes(Algorithm::Secp256k1, &bytes).map_err(|e| eyre!("{e}"))?;
    govchain_crypto::files::write_private(&home.join(DEV_ETH_KEY_FILE), format!("0x{DEV_ETH_KEY}\n").as_bytes())?;
    let ctx = govchain_sdk::cli::Ctx { home: home.to_path_buf(), api: url.to_string() };
    let market = ctx.load_key("market-admin")?;
    let account = market.public_key().address(suite);
    let msg = secp256k1::personal_message(govchain_identity::eth::bind_message(&status.chain_id, &account).as_bytes());
    let args = govchain_identity::eth::BindEthKey { public_key: eth.public_key(), proof: eth.sign(&msg) };
    crate::devflow::send(&client, suite, &market, &args).await?;
    let chain_id: serde_json::Value = client.get_json("/v1/evm/params").await.unwrap_or_default();
    tracing::info!(
        "Ethereum JSON-RPC at {url}/rpc (chain id {}): development key {} bound to market-admin, may deploy",
        chain_id["chain_id"],
        eth.public_key().address(suite)
    );
    Ok(())
}
