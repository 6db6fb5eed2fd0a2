//! Wire and WAL encoding of consensus messages: borsh (Malachite's `borsh` feature provides the
//! encodings of its own types), with a size cap checked before decoding.

use std::io;

use borsh::{BorshDeserialize, BorshSerialize};
use bytes::Bytes;
use malachitebft_app::types::codec::{Codec, HasEncodedLen};
use malachitebft_app::types::sync::{RawDecidedValue, Request, Response, Status};
use malachitebft_app::types::{ProposedValue, SignedConsensusMsg};
use malachitebft_core_consensus::LivenessMsg;
use malachitebft_core_types::{ExtendedCommitCertificate, ExtendedCommitSignature, Round, SignedExtension};
use malachitebft_core_types::{PolkaCertificate, ValidatorProof};
use malachitebft_engine::util::streaming::StreamMessage;
use malachitebft_sync::ValueResponse;

use crate::context::{BlockId, GovContext, Height, ProposalPart, ValAddress};

/// Largest message accepted from a peer or the WAL (a full proposal part stream message, or a
/// sync response with several blocks).
pub const MAX_MESSAGE_BYTES: usize = 96 * 1024 * 1024;

/// Codec error.
#[derive(Debug, thiserror::Error)]
#[error("consensus codec: {0}")]
pub struct CodecError(String);

/// The borsh codec for every consensus, sync and WAL message.
#[derive(Clone, Copy, Debug, Default)]
pub struct GovCodec;

fn enc<T: BorshSerialize>(v: &T) -> Result<Bytes, CodecError> {
    borsh::to_vec(v).map(Bytes::from).map_err(|e| CodecError(e.to_string()))
}

fn dec<T: BorshDeserialize>(b: Bytes) -> Result<T, CodecError> {
    if b.len() > MAX_MESSAGE_BYTES {
        return Err(CodecError(format!("message of {} bytes exceeds the limit", b.len())));
    }
    borsh::from_slice(&b).map_err(|e| CodecError(e.to_string()))
}

macro_rules! borsh_codec {
    ($($t:ty),* $(,)?) => {$(
        impl Codec<$t> for GovCodec {
            type Error = CodecError;
            fn decode(&self, bytes: Bytes) -> Result<$t, CodecError> {
                dec(bytes)
            }
            fn encode(&self, msg: &$t) -> Result<Bytes, CodecError> {
                enc(msg)
            }
        }
    )*};
}

borsh_codec!(
    ProposalPart,
    SignedConsensusMsg<GovContext>,
    LivenessMsg<GovContext>,
    StreamMessage<ProposalPart>,
    ProposedValue<GovContext>,
    PolkaCertificate<GovContext>,
    Status<GovContext>,
    Request<GovContext>,
);

/// Malachite 0.8.2 has no borsh encoding for `ExtendedCommitCertificate`, which sync responses
/// carry, so responses go through this wire form.
#[derive(BorshSerialize, BorshDeserialize)]
struct ResponseWire {
    start_height: Height,
    values: Vec<DecidedWire>,
}

#[derive(BorshSerialize, BorshDeserialize)]
struct DecidedWire {
    value_bytes: Vec<u8>,
    height: Height,
    round: Round,
    value_id: BlockId,
    signatures: Vec<(ValAddress, govchain_types::Signature, Option<SignedExtension<GovContext>>)>,
}

fn to_wire(r: &Response<GovContext>) -> ResponseWire {
    let Response::ValueResponse(v) = r;
    ResponseWire {
        start_height: v.start_height,
        values: v
            .values
            .iter()
            .map(|d| DecidedWire {
                value_bytes: d.value_bytes.to_vec(),
                height: d.certificate.height,
                round: d.certificate.round,
                value_id: d.certificate.value_id,
                signatures: d
                    .certificate
                    .commit_signatures
                    .iter()
                    .map(|s| (s.address, s.signature.clone(), s.extension.clone()))
                    .collect(),
            })
            .collect(),
    }
}

fn from_wire(w: ResponseWire) -> Response<GovContext> {
    let values = w
        .values
        .into_iter()
        .map(|d| {
            let certificate = ExtendedCommitCertificate {
                height: d.height,
                round: d.round,
                value_id: d.value_id,
                commit_signatures: d
                    .signatures
                    .into_iter()
                    .map(|(address, signature, extension)| ExtendedCommitSignature { address, signature, extension })
                    .collect(),
            };
            RawDecidedValue { value_bytes: Bytes::from(d.value_bytes), certificate }
        })
        .collect();
    Response::ValueResponse(ValueResponse { start_height: w.start_height, values })
}

impl Codec<Response<GovContext>> for GovCodec {
    type Error = CodecError;
    fn decode(&self, bytes: Bytes) -> Result<Response<GovContext>, CodecError> {
        dec::<ResponseWire>(bytes).map(from_wire)
    }
    fn encode(&self, msg: &Response<GovContext>) -> Result<Bytes, CodecError> {
        enc(&to_wire(msg))
    }
}

#[derive(BorshSerialize, BorshDeserialize)]
struct ProofWire {
    public_key: Vec<u8>,
    peer_id: Vec<u8>,
    signature: govchain_types::Signature,
}

impl Codec<ValidatorProof<GovContext>> for GovCodec {
    type Error = CodecError;
    fn decode(&self, bytes: Bytes) -> Result<ValidatorProof<GovContext>, CodecError> {
        let w: ProofWire = dec(bytes)?;
        Ok(ValidatorProof::new(w.public_key, w.peer_id, w.signature))
    }
    fn encode(&self, p: &ValidatorProof<GovContext>) -> Result<Bytes, CodecError> {
        enc(&ProofWire { public_key: p.public_key.clone(), peer_id: p.peer_id.clone(), signature: p.signature.clone() })
    }
}

impl HasEncodedLen<Response<GovContext>> for GovCodec {
    fn encoded_len(&self, msg: &Response<GovContext>) -> Result<usize, CodecError> {
        let mut counter = Counter(0);
        to_wire(msg).serialize(&mut counter).map_err(|e| CodecError(e.to_string()))?;
        Ok(counter.0)
    }
}

struct Counter(usize);

impl io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
