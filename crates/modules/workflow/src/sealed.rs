//! Results a job worker seals to the applicant: only the applicant's account key opens them.

use govchain_api_types::ApiError;
use govchain_certificates::credential::Credential;
use govchain_crypto::SecretKey;

/// HPKE info of a sealed credential (the instance id is the associated data).
pub const CREDENTIAL_INFO: &[u8] = b"GOVCHAIN/WORKFLOW-CREDENTIAL/v1";

/// Opens a credential a job sealed to `key` (the applicant's account key).
pub fn open_credential(key: &SecretKey, instance: &str, sealed: &[u8]) -> Result<Credential, ApiError> {
    let bytes = govchain_crypto::exchange::open(key, CREDENTIAL_INFO, instance.as_bytes(), sealed)
        .map_err(|_| ApiError::bad_request("not_yours", "this key cannot open the sealed credential"))?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::bad_request("bad_credential", e.to_string()))
}
