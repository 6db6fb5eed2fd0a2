//! Proposal streaming: a block is sent as `Init`, `Data` chunks and `Fin` (the proposer's
//! signature); receivers reassemble parts that may arrive out of order, within fixed limits.

use std::collections::{BTreeMap, HashMap, VecDeque};

use bytes::Bytes;
use govchain_types::{Address, Signature};
use malachitebft_core_types::Round;
use malachitebft_engine::util::streaming::{StreamContent, StreamId, StreamMessage};
use malachitebft_peer::PeerId;

use crate::context::{Height, ProposalPart, ValAddress};

/// Size of one data chunk.
pub const CHUNK_BYTES: usize = 256 * 1024;
/// Most streams being reassembled at once (older ones are evicted).
const MAX_STREAMS: usize = 64;
/// Most messages in one stream.
const MAX_MESSAGES: u64 = 1 + (govchain_types::limits::MAX_BLOCK_BYTES / CHUNK_BYTES) as u64 + 2;

const PARTS_DOMAIN: &[u8] = b"GOVCHAIN/PARTS/v1\0";

/// A fully received proposal.
#[derive(Clone, Debug)]
pub struct Assembled {
    /// Height.
    pub height: u64,
    /// Round of the stream.
    pub round: Round,
    /// Proof-of-lock round.
    pub pol_round: Round,
    /// Proposer named in `Init`.
    pub proposer: Address,
    /// The encoded block.
    pub block: Vec<u8>,
    /// Proposer's signature over [`stream_sign_bytes`].
    pub signature: Signature,
}

/// Bytes the proposer signs for a stream.
pub fn stream_sign_bytes(height: u64, round: Round, pol_round: Round, proposer: &Address, block: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(PARTS_DOMAIN.len() + 44 + block.len());
    out.extend(PARTS_DOMAIN);
    out.extend(height.to_be_bytes());
    out.extend(round.as_i64().to_be_bytes());
    out.extend(pol_round.as_i64().to_be_bytes());
    out.extend(proposer.0);
    out.extend(block);
    out
}

/// Splits a proposal into stream messages.
pub fn to_messages(a: &Assembled) -> Vec<StreamMessage<ProposalPart>> {
    let mut id = a.height.to_be_bytes().to_vec();
    id.extend(a.round.as_i64().to_be_bytes());
    let stream_id = StreamId::new(Bytes::from(id));
    let mut parts = vec![ProposalPart::Init {
        height: Height(a.height),
        round: a.round,
        pol_round: a.pol_round,
        proposer: ValAddress(a.proposer),
        total_len: a.block.len() as u32,
    }];
    parts.extend(a.block.chunks(CHUNK_BYTES).map(|c| ProposalPart::Data(c.to_vec())));
    parts.push(ProposalPart::Fin { signature: a.signature.clone() });
    let n = parts.len() as u64;
    let mut msgs: Vec<StreamMessage<ProposalPart>> = parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| StreamMessage::new(stream_id.clone(), i as u64, StreamContent::Data(p)))
        .collect();
    msgs.push(StreamMessage::new(stream_id, n, StreamContent::Fin));
    msgs
}

#[derive(Default)]
struct Partial {
    parts: BTreeMap<u64, ProposalPart>,
    end: Option<u64>,
    bytes: usize,
}

/// Reassembly buffers keyed by (publisher, stream id).
#[derive(Default)]
pub struct PartStreams {
    streams: HashMap<(PeerId, StreamId), Partial>,
    order: VecDeque<(PeerId, StreamId)>,
}

impl PartStreams {
    /// Adds a message; returns the proposal when its stream is complete and well formed.
    /// Malformed streams are discarded.
    pub fn insert(&mut self, peer: PeerId, msg: StreamMessage<ProposalPart>) -> Option<Assembled> {
        if msg.sequence > MAX_MESSAGES {
            return None;
        }
        let key = (peer, msg.stream_id.clone());
        if !self.streams.contains_key(&key) {
            if self.streams.len() >= MAX_STREAMS
                && let Some(old) = self.order.pop_front()
            {
                self.streams.remove(&old);
            }
            self.order.push_back(key.clone());
        }
        let partial = self.streams.entry(key.clone()).or_default();
        match msg.content {
            StreamContent::Fin => partial.end = Some(msg.sequence),
            StreamContent::Data(p) => {
                if let ProposalPart::Data(d) = &p {
                    partial.bytes += d.len();
                }
                if partial.bytes > govchain_types::limits::MAX_BLOCK_BYTES {
                    self.remove(&key);
                    return None;
                }
                partial.parts.insert(msg.sequence, p);
            }
        }
        let end = partial.end?;
        if partial.parts.len() as u64 != end {
            return None;
        }
        let partial = self.remove(&key)?;
        assemble(partial)
    }

    fn remove(&mut self, key: &(PeerId, StreamId)) -> Option<Partial> {
        self.order.retain(|k| k != key);
        self.streams.remove(key)
    }
}

fn assemble(p: Partial) -> Option<Assembled> {
    let mut iter = p.parts.into_values();
    let ProposalPart::Init { height, round, pol_round, proposer, total_len } = iter.next()? else {
        return None;
    };
    let mut block = Vec::with_capacity(total_len as usize);
    let mut signature = None;
    for part in iter {
        match part {
            ProposalPart::Data(d) if signature.is_none() => block.extend(d),
            ProposalPart::Fin { signature: s } if signature.is_none() => signature = Some(s),
            _ => return None,
        }
    }
    if block.len() != total_len as usize {
        return None;
    }
    Some(Assembled { height: height.0, round, pol_round, proposer: proposer.0, block, signature: signature? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_order_reassembly() {
        let a = Assembled {
            height: 7,
            round: Round::new(1),
            pol_round: Round::Nil,
            proposer: Address([3u8; 20]),
            block: (0..(CHUNK_BYTES * 2 + 17)).map(|i| i as u8).collect(),
            signature: Signature::Ed25519([9u8; 64]),
        };
        let mut msgs = to_messages(&a);
        msgs.reverse();
        let mut s = PartStreams::default();
        // An identity-multihash peer id of a (fake) Ed25519 key: 0x00 0x24, protobuf key header, 32 bytes.
        let mut id = vec![0x00, 0x24, 0x08, 0x01, 0x12, 0x20];
        id.extend([5u8; 32]);
        let peer = PeerId::from_bytes(&id).expect("valid peer id");
        let mut out = None;
        for m in msgs {
            out = s.insert(peer, m).or(out);
        }
        let got = out.expect("complete");
        assert_eq!(got.block, a.block);
        assert_eq!(got.height, 7);
    }
}
