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
/// Most streams being reassembled at once, from all peers.
const MAX_STREAMS: usize = 64;
/// Most streams one peer may have in reassembly (its oldest is evicted, never another peer's).
pub const MAX_STREAMS_PER_PEER: usize = 4;
/// Most messages in one stream.
const MAX_MESSAGES: u64 = 1 + (govchain_types::limits::MAX_BLOCK_BYTES / CHUNK_BYTES) as u64 + 2;
/// Streams refused at their `Init` remembered, so their later parts are ignored.
const MAX_REFUSED: usize = 256;

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

/// What the receiver allows, decided by the consensus adapter.
pub struct StreamPolicy<'a> {
    /// Largest block (the governed chain parameter).
    pub max_block_bytes: usize,
    /// Whether a stream announced by `Init { height, round, proposer }` may be buffered at all
    /// (the expected proposer for the current height; a validator for the next heights).
    pub admit: &'a dyn Fn(u64, Round, Address) -> bool,
}

/// Reassembly buffers keyed by (publisher, stream id), with quotas per peer: a peer can neither
/// evict another peer's streams nor buffer more than `MAX_STREAMS_PER_PEER` streams of at most
/// `max_block_bytes` each.
#[derive(Default)]
pub struct PartStreams {
    streams: HashMap<(PeerId, StreamId), Partial>,
    order: VecDeque<(PeerId, StreamId)>,
    refused: VecDeque<(PeerId, StreamId)>,
}

impl PartStreams {
    /// Adds a message; returns the proposal when its stream is complete and well formed.
    /// Malformed streams, streams over the limits and streams the policy refuses are discarded.
    pub fn insert(
        &mut self,
        peer: PeerId,
        msg: StreamMessage<ProposalPart>,
        policy: &StreamPolicy<'_>,
    ) -> Option<Assembled> {
        let key = (peer, msg.stream_id.clone());
        if msg.sequence > MAX_MESSAGES || self.refused.contains(&key) {
            return None;
        }
        if !self.streams.contains_key(&key) {
            let own: Vec<(PeerId, StreamId)> = self.order.iter().filter(|(p, _)| *p == peer).cloned().collect();
            if own.len() >= MAX_STREAMS_PER_PEER {
                self.remove(&own[0]);
            } else if self.streams.len() >= MAX_STREAMS {
                return None;
            }
            self.order.push_back(key.clone());
        }
        if let StreamContent::Data(ProposalPart::Init { height, round, proposer, total_len, .. }) = &msg.content
            && (*total_len as usize > policy.max_block_bytes || !(policy.admit)(height.0, *round, proposer.0))
        {
            self.refuse(key);
            return None;
        }
        let partial = self.streams.entry(key.clone()).or_default();
        match msg.content {
            StreamContent::Fin => partial.end = Some(msg.sequence),
            StreamContent::Data(p) => {
                if let ProposalPart::Data(d) = &p {
                    partial.bytes += d.len();
                }
                if partial.bytes > policy.max_block_bytes {
                    self.refuse(key);
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
        assemble(partial, policy.max_block_bytes)
    }

    /// Streams being reassembled.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.streams.len()
    }

    /// Whether no stream is being reassembled.
    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.streams.is_empty()
    }

    fn refuse(&mut self, key: (PeerId, StreamId)) {
        self.remove(&key);
        if self.refused.len() >= MAX_REFUSED {
            self.refused.pop_front();
        }
        self.refused.push_back(key);
    }

    fn remove(&mut self, key: &(PeerId, StreamId)) -> Option<Partial> {
        self.order.retain(|k| k != key);
        self.streams.remove(key)
    }
}

fn assemble(p: Partial, max_bytes: usize) -> Option<Assembled> {
    let mut iter = p.parts.into_values();
    let ProposalPart::Init { height, round, pol_round, proposer, total_len } = iter.next()? else {
        return None;
    };
    // `total_len` is the sender's claim: never allocate more than the parts actually hold.
    let mut block = Vec::with_capacity((total_len as usize).min(p.bytes).min(max_bytes));
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

    const MAX: usize = 16 * 1024 * 1024;

    fn peer(n: u8) -> PeerId {
        // An identity-multihash peer id of a (fake) Ed25519 key: 0x00 0x24, protobuf key header, 32 bytes.
        let mut id = vec![0x00, 0x24, 0x08, 0x01, 0x12, 0x20];
        id.extend([n; 32]);
        PeerId::from_bytes(&id).expect("valid peer id")
    }

    fn proposal(height: u64, round: i64, proposer: u8, len: usize) -> Assembled {
        Assembled {
            height,
            round: Round::from(round),
            pol_round: Round::Nil,
            proposer: Address([proposer; 20]),
            block: (0..len).map(|i| i as u8).collect(),
            signature: Signature::Ed25519([9u8; 64]),
        }
    }

    fn anyone(_: u64, _: Round, _: Address) -> bool {
        true
    }

    fn feed(
        s: &mut PartStreams,
        from: PeerId,
        msgs: Vec<StreamMessage<ProposalPart>>,
        admit: &dyn Fn(u64, Round, Address) -> bool,
    ) -> Option<Assembled> {
        let policy = StreamPolicy { max_block_bytes: MAX, admit };
        let mut out = None;
        for m in msgs {
            out = s.insert(from, m, &policy).or(out);
        }
        out
    }

    #[test]
    fn out_of_order_reassembly() {
        let a = proposal(7, 1, 3, CHUNK_BYTES * 2 + 17);
        let mut msgs = to_messages(&a);
        msgs.reverse();
        let got = feed(&mut PartStreams::default(), peer(5), msgs, &anyone).expect("complete");
        assert_eq!(got.block, a.block);
        assert_eq!(got.height, 7);
    }

    /// A peer opening streams without end evicts only its own oldest ones: an honest proposer's
    /// stream in progress survives and completes.
    #[test]
    fn a_flooding_peer_cannot_push_out_an_honest_stream() {
        let mut s = PartStreams::default();
        let honest = to_messages(&proposal(5, 0, 1, CHUNK_BYTES + 10));
        let (first, rest) = honest.split_at(2);
        assert!(feed(&mut s, peer(1), first.to_vec(), &anyone).is_none());
        for i in 0..1000 {
            let junk = to_messages(&proposal(5, i, 2, 10));
            // Only Init and a chunk: never complete.
            feed(&mut s, peer(2), junk[..2].to_vec(), &anyone);
        }
        assert!(s.len() <= 1 + MAX_STREAMS_PER_PEER, "{} streams buffered", s.len());
        let got = feed(&mut s, peer(1), rest.to_vec(), &anyone).expect("the honest stream completes");
        assert_eq!(got.proposer, Address([1; 20]));
    }

    #[test]
    fn a_claimed_length_over_the_block_limit_is_refused_before_anything_is_buffered() {
        let mut s = PartStreams::default();
        let mut msgs = to_messages(&proposal(5, 0, 1, 10));
        if let StreamContent::Data(ProposalPart::Init { total_len, .. }) = &mut msgs[0].content {
            *total_len = u32::MAX;
        }
        assert!(feed(&mut s, peer(1), msgs, &anyone).is_none());
        assert!(s.is_empty(), "nothing kept of a stream claiming 4 GiB");
        // More data than the limit, whatever `Init` says, is dropped too.
        let big = to_messages(&proposal(5, 0, 1, 3 * CHUNK_BYTES));
        let policy = StreamPolicy { max_block_bytes: 2 * CHUNK_BYTES, admit: &anyone };
        let mut out = None;
        for m in big {
            out = s.insert(peer(1), m, &policy).or(out);
        }
        assert!(out.is_none() && s.is_empty());
    }

    #[test]
    fn streams_the_policy_refuses_are_not_buffered_and_their_parts_are_ignored() {
        let mut s = PartStreams::default();
        let only_proposer_7 = |_: u64, _: Round, p: Address| p == Address([7; 20]);
        let mut msgs = to_messages(&proposal(5, 0, 8, CHUNK_BYTES + 1));
        let init = msgs.remove(0);
        msgs.push(init);
        assert!(feed(&mut s, peer(1), msgs.clone(), &only_proposer_7).is_none());
        assert!(s.is_empty(), "the refused stream's parts are dropped");
        assert!(feed(&mut s, peer(1), msgs, &only_proposer_7).is_none(), "and its parts stay ignored");
        assert!(s.is_empty());
        let good = feed(&mut s, peer(1), to_messages(&proposal(5, 1, 7, 10)), &only_proposer_7);
        assert!(good.is_some());
    }
}
