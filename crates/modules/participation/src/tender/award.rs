//! Opening bids and applying the published rule: the same code runs in block execution and in
//! `govchain tender verify`, so a recomputation from chain data alone gives the chain's award.
//!
//! The rule: every valid bid states one whole number per criterion. For each criterion the best
//! valid value (the lowest when lower is better, the highest otherwise) scores the criterion's
//! full weight × [`SCALE`]; another value scores in proportion (`weight × SCALE × best ÷ value`,
//! or `× value ÷ best`), rounded down, in integers. The bid with the most points wins; on equal
//! points the **earliest bid** (the lowest bid number, that is the first in chain order) wins.

use crate::sealing::{self, OpeningKey, SealingError};
use crate::tender::model::*;
use govchain_types::Address;

/// Points for a criterion's full weight: millionths.
pub const SCALE: u64 = 1_000_000;

/// The plaintext of a bid: each value as 8 bytes, big-endian, in criterion order.
pub fn plaintext(values: &[u64]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_be_bytes()).collect()
}

/// Seals a bid's values to the tender's key, bound to the bidder.
pub fn seal_bid(public_key: &[u8], tender: &str, bidder: &Address, values: &[u64]) -> Result<Vec<u8>, SealingError> {
    sealing::seal(public_key, BID_INFO, &bid_aad(tender, bidder), &plaintext(values))
}

/// Opens one bid and checks its values against the criteria: the values, or why it does not
/// count.
pub fn open_bid(key: &OpeningKey, t: &Tender, b: &Bid) -> Result<Vec<u64>, String> {
    let pt = key.open(BID_INFO, &bid_aad(&t.id, &b.bidder), &b.sealed).map_err(|_| "does not open".to_string())?;
    if pt.len() != 8 * t.criteria.len() {
        return Err(format!("states {} bytes, not one value per criterion ({})", pt.len(), t.criteria.len()));
    }
    let values: Vec<u64> = pt.chunks_exact(8).map(|c| u64::from_be_bytes(c.try_into().unwrap_or_default())).collect();
    for (c, v) in t.criteria.iter().zip(&values) {
        match (c.better, c.limit) {
            (Better::Lower, _) if *v == 0 => return Err(format!("{} is 0", c.name)),
            (Better::Lower, Some(l)) if *v > l => return Err(format!("{} {v} is above the limit {l}", c.name)),
            (Better::Higher, Some(l)) if *v < l => return Err(format!("{} {v} is below the limit {l}", c.name)),
            _ => {}
        }
    }
    Ok(values)
}

/// Points of each valid bid (`None` for an invalid one) under the criteria.
pub fn points(criteria: &[Criterion], bids: &[Option<Vec<u64>>]) -> Vec<u64> {
    let mut total = vec![0u64; bids.len()];
    for (i, c) in criteria.iter().enumerate() {
        let valid = bids.iter().flatten().map(|v| v[i]);
        let best = match c.better {
            Better::Lower => valid.min(),
            Better::Higher => valid.max(),
        };
        let Some(best) = best else { return total };
        let full = u128::from(c.weight) * u128::from(SCALE);
        for (t, b) in total.iter_mut().zip(bids) {
            let Some(v) = b else { continue };
            let v = u128::from(v[i]);
            let p = match c.better {
                Better::Lower => full * u128::from(best) / v,
                Better::Higher if best == 0 => 0,
                Better::Higher => full * v / u128::from(best),
            };
            // At most MAX_CRITERIA × MAX_WEIGHT × SCALE = 8e9: fits.
            *t += u64::try_from(p).unwrap_or(u64::MAX);
        }
    }
    total
}

/// The winner: the most points, the earliest bid on a tie.
pub fn winner(opened: &[OpenedBid]) -> Option<u64> {
    let mut best: Option<&OpenedBid> = None;
    for b in opened.iter().filter(|b| b.invalid.is_none()) {
        if best.is_none_or(|w| b.points > w.points || (b.points == w.points && b.n < w.n)) {
            best = Some(b);
        }
    }
    best.map(|b| b.n)
}

/// Opens every bid (on every core, results in bid order) and applies the rule.
pub fn award(key: &OpeningKey, t: &Tender, bids: &[Bid], height: u64) -> Award {
    use rayon::prelude::*;
    let results: Vec<Result<Vec<u64>, String>> = bids.par_iter().map(|b| open_bid(key, t, b)).collect();
    let values: Vec<Option<Vec<u64>>> = results.iter().map(|r| r.as_ref().ok().cloned()).collect();
    let points = points(&t.criteria, &values);
    let opened: Vec<OpenedBid> = bids
        .iter()
        .zip(results)
        .zip(points)
        .map(|((b, r), p)| match r {
            Ok(values) => OpenedBid { n: b.n, bidder: b.bidder, values, points: p, invalid: None },
            Err(why) => OpenedBid { n: b.n, bidder: b.bidder, values: vec![], points: 0, invalid: Some(why) },
        })
        .collect();
    let winner = winner(&opened);
    Award { bids: opened, winner, opening_key: key.secret().to_vec(), height }
}

/// Recomputes the award from the notice (its released parts checked against the trustees'
/// commitments, the key against the sealing key) and every bid, as anyone can.
pub fn recompute(t: &Tender, bids: &[Bid], height: u64) -> Result<Award, String> {
    if bids.len() as u64 != t.bids {
        return Err(format!("the tender records {} bids; {} were supplied", t.bids, bids.len()));
    }
    if let Some((i, b)) = bids.iter().enumerate().find(|(i, b)| b.n != *i as u64) {
        return Err(format!("bid {i} is numbered {}", b.n));
    }
    let key = crate::board::opening_key(&t.sealing)?;
    Ok(award(&key, t, bids, height))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crit(name: &str, weight: u32, better: Better) -> Criterion {
        Criterion { name: name.into(), weight, better, limit: None }
    }

    fn opened(points: &[u64]) -> Vec<OpenedBid> {
        points
            .iter()
            .enumerate()
            .map(|(n, p)| OpenedBid {
                n: n as u64,
                bidder: Address([0; 20]),
                values: vec![],
                points: *p,
                invalid: None,
            })
            .collect()
    }

    #[test]
    fn lowest_price_scores_full_weight_others_in_proportion() {
        let c = [crit("price", 70, Better::Lower), crit("warranty", 30, Better::Higher)];
        let p = points(&c, &[Some(vec![100, 12]), Some(vec![200, 24]), None]);
        // 100 scores 70 full; 200 scores 35. Warranty 24 scores 30; 12 scores 15.
        assert_eq!(p, vec![85 * SCALE, 65 * SCALE, 0]);
    }

    #[test]
    fn equal_points_go_to_the_earliest_bid() {
        assert_eq!(winner(&opened(&[5, 9, 9, 3])), Some(1));
        let mut o = opened(&[5, 9, 9]);
        o[1].invalid = Some("does not open".into());
        assert_eq!(winner(&o), Some(2));
        assert_eq!(winner(&[]), None);
    }
}
