//! Every state and index key of the `vote` module. No other crate spells these prefixes.
//!
//! * `vote/v/<id>` → [`Vote`](crate::Vote) (with its sealing state and ballot chain);
//! * `vote/box/<id>` → [`BallotBox`](crate::BallotBox): tokens issued, ballots, ballot chain;
//! * `vote/issued/<id>/<holder pseudonym>` → [`Issuance`](crate::Issuance): the authority gave
//!   that certificate holder a token;
//! * `vote/spent/<id>/<token message hash>` → the ballot number that used the token;
//! * `vote/ballot/<id>/<n BE>` → [`Ballot`](crate::Ballot);
//! * `vote/tally/<id>` → [`Tally`](crate::Tally);
//! * `vote/counting` → ids of closed votes whose ballots are being opened (the block task list).
//!
//! Query index: `vote/i/all/<id>`.

use govchain_types::Hash32;

/// Module name in calls and first segment of every key.
pub const MODULE: &str = "vote";

const VOTE: &[u8] = b"vote/v/";
const BOX: &[u8] = b"vote/box/";
const ISSUED: &[u8] = b"vote/issued/";
const SPENT: &[u8] = b"vote/spent/";
const BALLOT: &[u8] = b"vote/ballot/";
const TALLY: &[u8] = b"vote/tally/";
/// Votes being counted.
pub const COUNTING: &[u8] = b"vote/counting";
const IDX_ALL: &[u8] = b"vote/i/all/";

use crate::keyspace::join as key;

/// `vote/v/<id>`.
pub fn vote(id: &str) -> Vec<u8> {
    key(VOTE, id, b"")
}

/// `vote/box/<id>`.
pub fn ballot_box(id: &str) -> Vec<u8> {
    key(BOX, id, b"")
}

/// `vote/issued/<id>/<holder>`.
pub fn issued(id: &str, holder: &Hash32) -> Vec<u8> {
    key(ISSUED, id, holder.to_hex().as_bytes())
}

/// `vote/spent/<id>/<token message hash>`.
pub fn spent(id: &str, token: &Hash32) -> Vec<u8> {
    key(SPENT, id, token.to_hex().as_bytes())
}

/// `vote/ballot/<id>/<n BE>`.
pub fn ballot(id: &str, n: u64) -> Vec<u8> {
    key(BALLOT, id, &n.to_be_bytes())
}

/// Prefix of every ballot of a vote.
pub fn ballots(id: &str) -> Vec<u8> {
    let mut k = key(BALLOT, id, b"");
    k.push(b'/');
    k
}

/// `vote/tally/<id>`.
pub fn tally(id: &str) -> Vec<u8> {
    key(TALLY, id, b"")
}

/// Index prefix of every vote.
pub fn idx_all() -> Vec<u8> {
    IDX_ALL.to_vec()
}

/// Index entry of a vote.
pub fn idx_vote(id: &str) -> Vec<u8> {
    key(IDX_ALL, id, b"")
}

/// Readable form of a key of this module.
pub fn describe(k: &[u8]) -> Option<String> {
    crate::keyspace::describe(k, b"vote/", BALLOT)
}
