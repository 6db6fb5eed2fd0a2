//! Opening and counting ballots: the same code runs in block execution and in
//! `govchain vote verify-tally`, so a recount from chain data alone gives the chain's result.

use govchain_types::{Hash32, PublicKey, Suite};

use crate::model::{BALLOT_INFO, Ballot, BallotBox, Tally, Vote, ballot_aad};
use crate::sealing::{self, OpeningKey, SealingError};

const CHAIN_DOMAIN: &[u8] = b"GOVCHAIN/BALLOTS/v1\0";

/// The plaintext of a ballot choosing option `choice`: 4 bytes, big-endian.
pub fn plaintext(choice: u32) -> [u8; 4] {
    choice.to_be_bytes()
}

/// Seals a choice for `vote` under its sealing key, bound to the ballot key.
pub fn seal_choice(
    public_key: &[u8],
    vote: &str,
    ballot_key: &PublicKey,
    choice: u32,
) -> Result<Vec<u8>, SealingError> {
    sealing::seal(public_key, BALLOT_INFO, &ballot_aad(vote, ballot_key), &plaintext(choice))
}

/// Opens one ballot: the option index, or why it does not count.
pub fn open_ballot(key: &OpeningKey, vote: &str, options: usize, b: &Ballot) -> Result<u32, &'static str> {
    let pt = key.open(BALLOT_INFO, &ballot_aad(vote, &b.key), &b.sealed).map_err(|_| "does not open")?;
    let arr: [u8; 4] = pt.as_slice().try_into().map_err(|_| "not a 4-byte choice")?;
    let choice = u32::from_be_bytes(arr);
    if (choice as usize) < options { Ok(choice) } else { Err("names no option") }
}

/// Opens ballots on every core; the results come back in the ballots' order, so counting them
/// is deterministic.
pub fn open_all(key: &OpeningKey, vote: &str, options: usize, ballots: &[Ballot]) -> Vec<Result<u32, &'static str>> {
    use rayon::prelude::*;
    ballots.par_iter().map(|b| open_ballot(key, vote, options, b)).collect()
}

/// Counts one opened ballot into `t`.
pub fn count(t: &mut Tally, options: usize, result: Result<u32, &'static str>) {
    if t.counts.len() != options {
        t.counts.resize(options, 0);
    }
    match result {
        Ok(c) => t.counts[c as usize] += 1,
        Err(_) => t.invalid += 1,
    }
    t.opened += 1;
}

/// The ballot chain after `b`.
pub fn chain_next(suite: Suite, prev: &Hash32, b: &Ballot) -> Hash32 {
    let body = suite.hash(&borsh::to_vec(b).unwrap_or_default());
    suite.hash_parts(&[CHAIN_DOMAIN, &prev.0, &b.n.to_be_bytes(), &body.0])
}

/// What an independent recount found.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Recount {
    /// Votes per option.
    pub counts: Vec<u64>,
    /// Ballots that do not count, with their number and reason.
    pub invalid: Vec<(u64, String)>,
    /// Ballots counted.
    pub ballots: u64,
}

/// Recounts a vote from its record, its ballot box and every ballot: checks the ballot chain
/// against the box, every released part against the published commitments, the opening key against the
/// sealing key, then opens and counts each ballot.
pub fn recount(suite: Suite, vote: &Vote, bx: &BallotBox, ballots: &[Ballot]) -> Result<Recount, String> {
    if ballots.len() as u64 != bx.ballots {
        return Err(format!("the vote records {} ballots; {} were supplied", bx.ballots, ballots.len()));
    }
    let mut chain = Hash32::default();
    for (i, b) in ballots.iter().enumerate() {
        if b.n != i as u64 {
            return Err(format!("ballot {i} is numbered {}", b.n));
        }
        chain = chain_next(suite, &chain, b);
    }
    if chain != bx.ballot_chain {
        return Err("the ballots do not match the vote's ballot chain (one is missing, added or altered)".into());
    }
    let key = opening_key(vote)?;
    let options = vote.options.len();
    let mut t = Tally::default();
    let mut invalid = Vec::new();
    for (b, r) in ballots.iter().zip(open_all(&key, &vote.id, options, ballots)) {
        if let Err(why) = r {
            invalid.push((b.n, why.to_string()));
        }
        count(&mut t, options, r);
    }
    t.counts.resize(options, 0);
    Ok(Recount { counts: t.counts, invalid, ballots: t.opened })
}

/// The opening key of a vote: see [`board::opening_key`](crate::board::opening_key).
pub fn opening_key(vote: &Vote) -> Result<OpeningKey, String> {
    crate::board::opening_key(&vote.sealing)
}
