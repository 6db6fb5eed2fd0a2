//! Votes: what is on chain, and the arguments of each call.

use borsh::{BorshDeserialize, BorshSerialize};
use govchain_types::{Address, Hash32, PublicKey};
use serde::{Deserialize, Serialize};

use crate::sealing;
use crate::token::Token;

/// Bytes as hex in JSON.
pub mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Serialises as lower-case hex.
    pub fn serialize<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(b))
    }

    /// Parses hex (with or without `0x`).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        hex::decode(s.trim_start_matches("0x")).map_err(serde::de::Error::custom)
    }
}

/// Lists of byte strings as hex in JSON.
pub mod hex_list {
    use serde::{Deserialize, Deserializer, Serializer, ser::SerializeSeq};

    /// Serialises each as lower-case hex.
    pub fn serialize<S: Serializer>(v: &[Vec<u8>], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(v.len()))?;
        for b in v {
            seq.serialize_element(&hex::encode(b))?;
        }
        seq.end()
    }

    /// Parses each from hex.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<u8>>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|s| hex::decode(s.trim_start_matches("0x")).map_err(serde::de::Error::custom))
            .collect()
    }
}

/// 32-byte values as hex in JSON.
pub mod hex32 {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Serialises as lower-case hex.
    pub fn serialize<S: Serializer>(b: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(b))
    }

    /// Parses 64 hex characters.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let s = String::deserialize(d)?;
        hex::decode(s.trim_start_matches("0x"))
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| serde::de::Error::custom("expected 64 hex characters"))
    }
}

/// Optional 32-byte values as hex in JSON.
pub mod opt_hex32_list {
    use serde::{Deserialize, Deserializer, Serializer, ser::SerializeSeq};

    /// Serialises each as hex or null.
    pub fn serialize<S: Serializer>(v: &[Option<[u8; 32]>], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(v.len()))?;
        for b in v {
            seq.serialize_element(&b.map(hex::encode))?;
        }
        seq.end()
    }

    /// Parses each.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Option<[u8; 32]>>, D::Error> {
        Vec::<Option<String>>::deserialize(d)?
            .into_iter()
            .map(|o| {
                o.map(|s| {
                    hex::decode(s.trim_start_matches("0x"))
                        .ok()
                        .and_then(|b| b.try_into().ok())
                        .ok_or_else(|| serde::de::Error::custom("expected 64 hex characters"))
                })
                .transpose()
            })
            .collect()
    }
}

/// Longest title.
pub const MAX_TITLE: usize = 200;
/// Longest option label.
pub const MAX_OPTION: usize = 120;
/// Most options of a vote.
pub const MAX_OPTIONS: usize = 32;
/// Longest eligibility condition text.
pub const MAX_CONDITION: usize = 256;
/// Largest sealed ballot.
pub const MAX_SEALED_BALLOT: usize = 256;
/// Most sealed bytes in one trustee share.
pub const MAX_SEALED_SHARE: usize = 256;
/// HPKE `info` of a ballot; the associated data is [`ballot_aad`].
pub const BALLOT_INFO: &[u8] = b"GOVCHAIN/BALLOT/v1";

/// The associated data of a ballot: the vote id and the ballot key, so a ballot copied under
/// another token does not open.
pub fn ballot_aad(vote: &str, ballot_key: &PublicKey) -> Vec<u8> {
    borsh::to_vec(&(vote, ballot_key)).unwrap_or_default()
}

/// The associated data of a trustee's dealt share: `vote/<id>`.
pub fn share_aad(vote: &str) -> Vec<u8> {
    format!("vote/{vote}").into_bytes()
}

/// Who may take part: holders of a certificate of a type, as checked by an authority.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Eligibility {
    /// Certificate type the voter must hold, in force.
    pub cert_type: String,
    /// A claim condition the authority checks on the presentation (for example
    /// `district = Xicheng`), as published text; empty for none.
    pub condition: String,
    /// The eligibility authority's account (it records each issuance on chain).
    #[schema(value_type = String, pattern = "^(0x)?[0-9a-fA-F]{40}$")]
    pub authority: Address,
    /// The authority's RSA public key (DER), hex in JSON.
    #[schema(value_type = String, pattern = "^([0-9a-fA-F]{2})*$")]
    #[serde(with = "hex_bytes")]
    pub authority_key: Vec<u8>,
}

/// A trustee's dealing, as stored.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StoredDealing {
    /// Feldman commitments (33-byte points).
    #[schema(value_type = Vec<String>)]
    #[serde(with = "hex_list")]
    pub commitments: Vec<Vec<u8>>,
    /// Shares sealed to each trustee's account key, in trustee order.
    #[schema(value_type = Vec<String>)]
    #[serde(with = "hex_list")]
    pub shares: Vec<Vec<u8>>,
}

impl StoredDealing {
    /// As the sealing layer takes it.
    pub fn to_dealing(&self) -> sealing::Dealing {
        sealing::Dealing { commitments: self.commitments.clone(), shares: self.shares.clone() }
    }
}

/// The k-of-n key ballots are sealed to.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Sealing {
    /// Threshold.
    pub k: u8,
    /// Trustee accounts (officials of distinct organisations), in order; trustee t has
    /// identifier t+1.
    #[schema(value_type = Vec<String>)]
    pub trustees: Vec<Address>,
    /// Their organisations.
    pub trustee_orgs: Vec<String>,
    /// Their account keys when the vote was created (shares are sealed to these).
    #[schema(value_type = Vec<String>)]
    pub trustee_keys: Vec<PublicKey>,
    /// Each trustee's dealing, once made.
    pub dealings: Vec<Option<StoredDealing>>,
    /// The sealing public key (65-byte SEC1), once every trustee has dealt.
    #[schema(value_type = String, pattern = "^([0-9a-fA-F]{2})*$")]
    #[serde(with = "hex_bytes")]
    pub public_key: Vec<u8>,
    /// Parts released after the close (checked against the commitments), per trustee.
    #[schema(value_type = Vec<Option<String>>)]
    #[serde(with = "opt_hex32_list")]
    pub parts: Vec<Option<[u8; 32]>>,
}

impl Sealing {
    /// The dealings, once all are in.
    pub fn all_dealings(&self) -> Option<Vec<sealing::Dealing>> {
        self.dealings.iter().map(|d| d.as_ref().map(StoredDealing::to_dealing)).collect()
    }

    /// Released parts `(trustee, part)` in trustee order.
    pub fn released(&self) -> Vec<(usize, [u8; 32])> {
        self.parts.iter().enumerate().filter_map(|(t, p)| p.map(|p| (t, p))).collect()
    }
}

/// Where a vote is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum VoteStatus {
    /// Waiting for every trustee's dealing.
    Keying,
    /// Key fixed; ballots accepted from the opening to the closing height.
    Ready,
    /// Closed; ballots being opened as parts arrive.
    Counting,
    /// Every ballot opened and counted.
    Final,
}

/// A vote.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Vote {
    /// Id (slug).
    pub id: String,
    /// Organising department.
    pub org: String,
    /// The official who created it.
    #[schema(value_type = String, pattern = "^(0x)?[0-9a-fA-F]{40}$")]
    pub creator: Address,
    /// Title.
    pub title: String,
    /// Hash of the full text and documents.
    #[schema(value_type = String, pattern = "^[0-9a-fA-F]{64}$")]
    pub text_hash: Hash32,
    /// Options; a ballot names one by index.
    pub options: Vec<String>,
    /// Eligibility.
    pub eligibility: Eligibility,
    /// First height accepting ballots.
    pub opens_height: u64,
    /// Last height accepting ballots.
    pub closes_height: u64,
    /// The sealing key.
    pub sealing: Sealing,
    /// Status (Ready becomes Counting at the first block after the close).
    pub status: VoteStatus,
    /// Creation height.
    pub height: u64,
}

/// The counters every token and ballot moves, kept apart from the [`Vote`] so a ballot rewrites
/// a few dozen bytes, not the trustees' dealings.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema,
)]
pub struct BallotBox {
    /// Tokens issued (one per certificate holder).
    pub tokens_issued: u64,
    /// Ballots cast.
    pub ballots: u64,
    /// Hash chain over the ballots: `H(prev || n || H(borsh(ballot)))`, from zero.
    #[schema(value_type = String, pattern = "^[0-9a-fA-F]{64}$")]
    pub ballot_chain: Hash32,
}

/// A token issued to a certificate holder (the authority's record; it does not say which token).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Issuance {
    /// Certificate shown.
    pub certificate: String,
    /// Hash of the blinded message signed.
    #[schema(value_type = String, pattern = "^[0-9a-fA-F]{64}$")]
    pub blinded_hash: Hash32,
    /// Height.
    pub height: u64,
}

/// A ballot.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Ballot {
    /// Sequence number from 0.
    pub n: u64,
    /// The one-time ballot key that signed it.
    #[schema(value_type = String, pattern = "^(ed25519|sm2):([0-9a-fA-F]{2})+$")]
    pub key: PublicKey,
    /// The unblinded token.
    pub token: Token,
    /// The sealed choice (`enc || ciphertext`).
    #[schema(value_type = String, pattern = "^([0-9a-fA-F]{2})*$")]
    #[serde(with = "hex_bytes")]
    pub sealed: Vec<u8>,
    /// Height.
    pub height: u64,
}

/// The count, kept as ballots are opened.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema,
)]
pub struct Tally {
    /// Votes per option.
    pub counts: Vec<u64>,
    /// Ballots that did not open or named no option.
    pub invalid: u64,
    /// Ballots opened so far.
    pub opened: u64,
    /// Every ballot is counted.
    pub complete: bool,
    /// The opening key (hex scalar), published once k parts are in: anyone can recheck.
    #[schema(value_type = String, pattern = "^([0-9a-fA-F]{2})*$")]
    #[serde(with = "hex_bytes")]
    pub opening_key: Vec<u8>,
    /// Height of the last change.
    pub height: u64,
}

/// Arguments of `vote.create`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateVote {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Hash of the text.
    #[schema(value_type = String, pattern = "^[0-9a-fA-F]{64}$")]
    pub text_hash: Hash32,
    /// Options.
    pub options: Vec<String>,
    /// Eligibility.
    pub eligibility: Eligibility,
    /// Opening height.
    pub opens_height: u64,
    /// Closing height.
    pub closes_height: u64,
    /// Threshold.
    pub k: u8,
    /// Trustee accounts.
    #[schema(value_type = Vec<String>)]
    pub trustees: Vec<Address>,
}

/// Arguments of `vote.deal` (by a trustee).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Deal {
    /// Vote.
    pub vote: String,
    /// The dealing.
    pub dealing: StoredDealing,
}

/// Arguments of `vote.issue_token` (by the authority).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IssueToken {
    /// Vote.
    pub vote: String,
    /// Certificate presented.
    pub certificate: String,
    /// Hash of the blinded message.
    #[schema(value_type = String, pattern = "^[0-9a-fA-F]{64}$")]
    pub blinded_hash: Hash32,
}

/// Arguments of `vote.cast` (signed by the one-time ballot key).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Cast {
    /// Vote.
    pub vote: String,
    /// Token.
    pub token: Token,
    /// Sealed choice.
    #[schema(value_type = String, pattern = "^([0-9a-fA-F]{2})*$")]
    #[serde(with = "hex_bytes")]
    pub sealed: Vec<u8>,
}

/// Arguments of `vote.release` (a trustee's part, after the close).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Release {
    /// Vote.
    pub vote: String,
    /// The part (scalar, big-endian).
    #[schema(value_type = String, pattern = "^[0-9a-fA-F]{64}$")]
    #[serde(with = "hex32")]
    pub part: [u8; 32],
}

govchain_types::methods! { crate::keys::MODULE;
    CreateVote => "create",
    Deal => "deal",
    IssueToken => "issue_token",
    Cast => "cast",
    Release => "release",
}
