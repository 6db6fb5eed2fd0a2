//! Tenders: what is on chain, and the arguments of each call.

use borsh::{BorshDeserialize, BorshSerialize};
use govchain_types::{Address, Hash32};
use serde::{Deserialize, Serialize};

use crate::model::{Sealing, StoredDealing, hex_bytes, hex32};

/// Most award criteria of a tender.
pub const MAX_CRITERIA: usize = 8;
/// Largest weight of one criterion.
pub const MAX_WEIGHT: u32 = 1000;
/// Most bids a tender takes (all are opened in the block that completes the opening key).
pub const MAX_BIDS: u64 = 200;
/// Longest lot description.
pub const MAX_LOT: usize = 2000;
/// Largest sealed bid.
pub const MAX_SEALED_BID: usize = 256;
/// Longest bidding period, in blocks.
pub const MAX_PERIOD: u64 = 10_000_000;
/// HPKE `info` of a bid; the associated data is [`bid_aad`].
pub const BID_INFO: &[u8] = b"GOVCHAIN/BID/v1";

/// The associated data of a bid: the tender and the bidder, so a bid copied by another bidder
/// does not open.
pub fn bid_aad(tender: &str, bidder: &Address) -> Vec<u8> {
    borsh::to_vec(&(tender, bidder)).unwrap_or_default()
}

/// The associated data of a trustee's dealt share: `tender/<id>`.
pub fn share_aad(tender: &str) -> Vec<u8> {
    format!("tender/{tender}").into_bytes()
}

/// Which way a criterion's value is better.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// Lower is better (price, delivery days): the lowest valid value scores the full weight,
    /// another value `weight × lowest ÷ value`.
    Lower,
    /// Higher is better (warranty months): the highest scores the full weight, another
    /// `weight × value ÷ highest`.
    Higher,
}

/// One published award criterion: every bid states one value (a whole number) per criterion.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Criterion {
    /// Name (for example `price_cny`, `delivery_days`).
    pub name: String,
    /// Weight, 1–1000.
    pub weight: u32,
    /// Which way is better.
    pub better: Better,
    /// A bound a valid bid respects: at most this when lower is better (a ceiling price), at
    /// least this when higher is better.
    pub limit: Option<u64>,
}

/// Who may bid: holders of a certificate in force (a business licence), admitted by an
/// authority after it checked their presentation.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TenderEligibility {
    /// Certificate type a bidder holds, in force.
    pub cert_type: String,
    /// A claim condition the authority checks on the presentation (`name = value [and …]`);
    /// empty for none.
    pub condition: String,
    /// The admitting authority's account.
    #[schema(value_type = String, pattern = "^(0x)?[0-9a-fA-F]{40}$")]
    pub authority: Address,
}

/// Where a tender is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TenderStatus {
    /// Waiting for every trustee's dealing.
    Keying,
    /// Key fixed; bids accepted up to the deadline.
    Open,
    /// Past the deadline; waiting for k trustees' parts.
    Opening,
    /// Bids opened and the award made by the rule.
    Awarded,
    /// Bids opened; none was valid.
    NoAward,
}

/// A tender notice.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Tender {
    /// Id (slug).
    pub id: String,
    /// Tendering department.
    pub org: String,
    /// The official who published it.
    #[schema(value_type = String, pattern = "^(0x)?[0-9a-fA-F]{40}$")]
    pub creator: Address,
    /// Title.
    pub title: String,
    /// The lot: what is bought or let.
    pub lot: String,
    /// Hash of the tender documents.
    #[schema(value_type = String, pattern = "^[0-9a-fA-F]{64}$")]
    pub documents_hash: Hash32,
    /// The award rule: weighted criteria; the highest total wins.
    pub criteria: Vec<Criterion>,
    /// Eligibility.
    pub eligibility: TenderEligibility,
    /// Last height accepting bids.
    pub deadline_height: u64,
    /// The key bids are sealed to.
    pub sealing: Sealing,
    /// Status.
    pub status: TenderStatus,
    /// Bidders admitted.
    pub admitted: u64,
    /// Bids received.
    pub bids: u64,
    /// Publication height.
    pub height: u64,
}

/// A bidder admitted by the authority.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Admission {
    /// Certificate shown.
    pub certificate: String,
    /// Its holder pseudonym (one admission per holder).
    #[schema(value_type = String, pattern = "^[0-9a-fA-F]{64}$")]
    pub holder: Hash32,
    /// Height.
    pub height: u64,
    /// The bid's number, once made.
    pub bid: Option<u64>,
}

/// A sealed bid.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Bid {
    /// Sequence number from 0 (chain order: the tie-break).
    pub n: u64,
    /// The bidder's account.
    #[schema(value_type = String, pattern = "^(0x)?[0-9a-fA-F]{40}$")]
    pub bidder: Address,
    /// The sealed values (`enc || ciphertext`).
    #[schema(value_type = String, pattern = "^([0-9a-fA-F]{2})*$")]
    #[serde(with = "hex_bytes")]
    pub sealed: Vec<u8>,
    /// Height.
    pub height: u64,
}

/// A bid as opened.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OpenedBid {
    /// Bid number.
    pub n: u64,
    /// Bidder.
    #[schema(value_type = String, pattern = "^(0x)?[0-9a-fA-F]{40}$")]
    pub bidder: Address,
    /// The values, one per criterion (empty when the bid did not open).
    pub values: Vec<u64>,
    /// Points (millionths of a weight unit), 0 for an invalid bid.
    pub points: u64,
    /// Why the bid does not count, if it does not.
    pub invalid: Option<String>,
}

/// The opening and the award.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Award {
    /// Every bid, opened, in bid order.
    pub bids: Vec<OpenedBid>,
    /// The winning bid's number (highest points; on a tie the earliest bid).
    pub winner: Option<u64>,
    /// The opening key (hex scalar): anyone can reopen the bids.
    #[schema(value_type = String, pattern = "^([0-9a-fA-F]{2})*$")]
    #[serde(with = "hex_bytes")]
    pub opening_key: Vec<u8>,
    /// Height of the opening.
    pub height: u64,
}

/// Arguments of `tender.create`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateTender {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Lot.
    pub lot: String,
    /// Hash of the documents.
    #[schema(value_type = String, pattern = "^[0-9a-fA-F]{64}$")]
    pub documents_hash: Hash32,
    /// Award criteria.
    pub criteria: Vec<Criterion>,
    /// Eligibility.
    pub eligibility: TenderEligibility,
    /// Last height accepting bids.
    pub deadline_height: u64,
    /// Threshold.
    pub k: u8,
    /// Trustee accounts.
    #[schema(value_type = Vec<String>)]
    pub trustees: Vec<Address>,
}

/// Arguments of `tender.deal` (by a trustee).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DealTender {
    /// Tender.
    pub tender: String,
    /// The dealing.
    pub dealing: StoredDealing,
}

/// Arguments of `tender.admit` (by the authority).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Admit {
    /// Tender.
    pub tender: String,
    /// The bidder's business account.
    #[schema(value_type = String, pattern = "^(0x)?[0-9a-fA-F]{40}$")]
    pub bidder: Address,
    /// Certificate presented.
    pub certificate: String,
}

/// Arguments of `tender.bid` (by an admitted bidder).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlaceBid {
    /// Tender.
    pub tender: String,
    /// Sealed values.
    #[schema(value_type = String, pattern = "^([0-9a-fA-F]{2})*$")]
    #[serde(with = "hex_bytes")]
    pub sealed: Vec<u8>,
}

/// Arguments of `tender.release` (a trustee's part, after the deadline).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReleaseTender {
    /// Tender.
    pub tender: String,
    /// The part (scalar, big-endian).
    #[schema(value_type = String, pattern = "^[0-9a-fA-F]{64}$")]
    #[serde(with = "hex32")]
    pub part: [u8; 32],
}

govchain_types::methods! { crate::tender::keys::MODULE;
    CreateTender => "create",
    DealTender => "deal",
    Admit => "admit",
    PlaceBid => "bid",
    ReleaseTender => "release",
}
