//! Tenders through the executor on the in-memory harness: only admitted licence holders bid,
//! once, before the deadline; bids stay sealed until k trustees release their parts (k−1 open
//! nothing); the award follows the published rule, the earliest bid winning a tie; anyone's
//! recomputation gives the chain's award.

use std::sync::Arc;

use govchain_certificates::{CertificatesComponent, DefineType, Field, FieldKind, Issue};
use govchain_component::Component;
use govchain_identity::testing::{World, code};
use govchain_identity::{IdentityComponent, OrgKind};
use govchain_participation::tender::{self, award, keys};
use govchain_participation::tender::{
    Admit, Award, Better, Bid, CreateTender, Criterion, DealTender, PlaceBid, ReleaseTender, Tender, TenderEligibility,
    TenderStatus,
};
use govchain_participation::{StoredDealing, TenderComponent, sealing};
use govchain_types::{Hash32, Outcome};

const TRUSTEES: [&str; 3] = ["finance-trustee", "audit-trustee", "justice-trustee"];
const BIDDERS: [&str; 5] = ["acme", "bolt", "copycat", "dearco", "eastco"];
const ID: &str = "road-repair";

fn cert_id(n: u8) -> String {
    hex::encode([n; 32])
}

fn issue(n: u8, type_id: &str) -> Issue {
    Issue {
        id: cert_id(n),
        type_id: type_id.into(),
        holder: Hash32([n; 32]),
        commitment: Hash32([n; 32]),
        valid_from_ms: 0,
        valid_until_ms: 0,
        previous: None,
    }
}

/// Price (lower is better, ceiling 1000, weight 70) and warranty months (higher, weight 30).
fn criteria() -> Vec<Criterion> {
    vec![
        Criterion { name: "price".into(), weight: 70, better: Better::Lower, limit: Some(1000) },
        Criterion { name: "warranty_months".into(), weight: 30, better: Better::Higher, limit: None },
    ]
}

/// Bidders 1..=5 hold business licences 1..=5; "nolicence" holds a food permit only; "clerk"
/// is an official, not a business.
fn setup(open_for: u64) -> World {
    let components: Vec<Arc<dyn Component>> =
        vec![Arc::new(IdentityComponent), Arc::new(CertificatesComponent), Arc::new(TenderComponent)];
    let buyer: &[(&str, &[&str])] = &[("buyer", &["tender.create"])];
    let certifier: &[(&str, &[&str])] = &[("certifier", &["certificates.*"])];
    let mut b = World::builder()
        .org("transport", OrgKind::Government, buyer)
        .org("market", OrgKind::Government, certifier)
        .admin("transport-admin", "transport", &["buyer"])
        .admin("market-admin", "market", &["certifier"])
        .official("clerk", "market", &[]);
    for t in TRUSTEES {
        let org = t.trim_end_matches("-trustee");
        b = b.org(org, OrgKind::Government, &[]).admin(t, org, &[]);
    }
    for name in BIDDERS.iter().chain(&["nolicence"]) {
        b = b.business(name, "market");
    }
    let mut w = b.build(&components);
    for (id, n) in [("business-licence", "Business licence"), ("food-permit", "Food permit")] {
        let t = DefineType {
            id: id.into(),
            name: n.into(),
            fields: vec![Field { name: "district".into(), kind: FieldKind::Text, required: true }],
            issuers: vec!["market".into()],
            default_validity_days: 365,
        };
        assert_eq!(w.run("market-admin", &t), Outcome::Success);
    }
    for n in 1..=5u8 {
        assert_eq!(w.run("market-admin", &issue(n, "business-licence")), Outcome::Success);
    }
    assert_eq!(w.run("market-admin", &issue(9, "food-permit")), Outcome::Success);
    let create = CreateTender {
        id: ID.into(),
        title: "Resurfacing of Ring Road, 2 km".into(),
        lot: "Lot 1: asphalt resurfacing, works and a warranty".into(),
        documents_hash: Hash32([7; 32]),
        criteria: criteria(),
        eligibility: TenderEligibility {
            cert_type: "business-licence".into(),
            condition: String::new(),
            authority: w.address("transport-admin"),
        },
        deadline_height: w.height + open_for,
        k: 2,
        trustees: TRUSTEES.iter().map(|t| w.address(t)).collect(),
    };
    assert_eq!(w.run("transport-admin", &create), Outcome::Success);
    w
}

fn tender_of(w: &World) -> Tender {
    w.get(&keys::tender(ID)).expect("tender")
}

fn award_of(w: &World) -> Option<Award> {
    w.get(&keys::award(ID))
}

fn bids(w: &World) -> Vec<Bid> {
    (0..tender_of(w).bids).map(|n| w.get(&keys::bid(ID, n)).expect("bid")).collect()
}

fn deal_all(w: &mut World) {
    let t = tender_of(w);
    for name in TRUSTEES {
        let d = sealing::deal(2, &t.sealing.trustee_keys, &tender::share_aad(ID)).expect("deal");
        let dealing = StoredDealing { commitments: d.commitments, shares: d.shares };
        assert_eq!(w.run(name, &DealTender { tender: ID.into(), dealing }), Outcome::Success);
    }
    assert_eq!(tender_of(w).status, TenderStatus::Open);
}

fn admit(w: &mut World, bidder: &str, cert: u8) -> Outcome {
    let a = Admit { tender: ID.into(), bidder: w.address(bidder), certificate: cert_id(cert) };
    w.run("transport-admin", &a)
}

fn bid(w: &mut World, bidder: &str, values: &[u64]) -> Outcome {
    let t = tender_of(w);
    let sealed = if t.sealing.public_key.is_empty() {
        vec![0; 80]
    } else {
        award::seal_bid(&t.sealing.public_key, ID, &w.address(bidder), values).expect("seal")
    };
    w.run(bidder, &PlaceBid { tender: ID.into(), sealed })
}

fn part(w: &World, t: usize) -> [u8; 32] {
    let dealings = tender_of(w).sealing.all_dealings().expect("dealt");
    let refs: Vec<_> = dealings.iter().collect();
    sealing::own_part(&refs, t, &w.key_of(TRUSTEES[t]), &tender::share_aad(ID)).expect("own part")
}

fn release(w: &mut World, t: usize) -> Outcome {
    let p = part(w, t);
    w.run(TRUSTEES[t], &ReleaseTender { tender: ID.into(), part: p })
}

fn advance_past_deadline(w: &mut World) {
    let d = tender_of(w).deadline_height;
    while w.height <= d {
        w.block(&[]);
    }
}

#[test]
fn only_admitted_licence_holders_bid_once_before_the_deadline_and_nobody_reads_a_bid_early() {
    let mut w = setup(40);
    assert_eq!(admit(&mut w, "acme", 1), Outcome::Success);
    // No key yet: no bid.
    assert_eq!(code(&bid(&mut w, "acme", &[500, 12])).as_deref(), Some("not_open"));
    deal_all(&mut w);

    // Admission: only the authority, only businesses holding a licence in force, once per
    // bidder and once per licence holder.
    let forged = Admit { tender: ID.into(), bidder: w.address("bolt"), certificate: cert_id(2) };
    assert_eq!(code(&w.run("clerk", &forged)).as_deref(), Some("unauthorized"));
    assert_eq!(code(&admit(&mut w, "nolicence", 9)).as_deref(), Some("not_eligible"), "a food permit");
    assert_eq!(code(&admit(&mut w, "nolicence", 42)).as_deref(), Some("not_eligible"), "no such certificate");
    let official = Admit { tender: ID.into(), bidder: w.address("clerk"), certificate: cert_id(3) };
    assert_eq!(code(&w.run("transport-admin", &official)).as_deref(), Some("not_eligible"), "not a business");
    assert_eq!(code(&admit(&mut w, "acme", 1)).as_deref(), Some("already_admitted"));
    assert_eq!(code(&admit(&mut w, "eastco", 1)).as_deref(), Some("already_admitted"), "acme's licence again");
    assert_eq!(admit(&mut w, "bolt", 2), Outcome::Success);

    assert_eq!(code(&bid(&mut w, "dearco", &[400, 24])).as_deref(), Some("not_admitted"));
    assert_eq!(bid(&mut w, "acme", &[500, 12]), Outcome::Success);
    assert_eq!(code(&bid(&mut w, "acme", &[450, 12])).as_deref(), Some("already_bid"));
    assert_eq!(bid(&mut w, "bolt", &[600, 36]), Outcome::Success);

    // The state holds only ciphertext: the tendering department, like everyone, sees no price.
    let on_chain = bids(&w);
    let price = 500u64.to_be_bytes();
    assert!(on_chain.iter().all(|b| !b.sealed.windows(8).any(|x| x == price)));
    assert_eq!(code(&release(&mut w, 0)).as_deref(), Some("not_closed"), "before the deadline");

    assert_eq!(admit(&mut w, "dearco", 4), Outcome::Success);
    advance_past_deadline(&mut w);
    assert_eq!(code(&bid(&mut w, "dearco", &[300, 60])).as_deref(), Some("closed"), "after the deadline");
    assert_eq!(code(&admit(&mut w, "eastco", 5)).as_deref(), Some("closed"));

    // One part (k−1) opens nothing: no award, no key.
    assert_eq!(release(&mut w, 0), Outcome::Success);
    assert_eq!(tender_of(&w).status, TenderStatus::Opening);
    assert!(award_of(&w).is_none());
    assert!(sealing::combine(&[(0, part(&w, 0))], 2).is_err(), "k−1 parts make no key");
    assert!(govchain_participation::board::opening_key(&tender_of(&w).sealing).is_err());
    // A tampered part is refused with its reason.
    let mut bad = part(&w, 2);
    bad[31] ^= 1;
    let o = w.run(TRUSTEES[2], &ReleaseTender { tender: ID.into(), part: bad });
    assert_eq!(code(&o).as_deref(), Some("bad_part"));

    // The second part opens every bid and awards in the same block.
    assert_eq!(release(&mut w, 1), Outcome::Success);
    let t = tender_of(&w);
    assert_eq!(t.status, TenderStatus::Awarded);
    let a = award_of(&w).expect("award");
    assert_eq!(a.bids.iter().map(|b| b.values.clone()).collect::<Vec<_>>(), vec![vec![500, 12], vec![600, 36]]);
    // acme: 70 + 30×12/36 = 80; bolt: 70×500/600 = 58.333333 + 30 = 88.333333.
    assert_eq!(a.bids[0].points, 80_000_000);
    assert_eq!(a.bids[1].points, 88_333_333);
    assert_eq!(a.winner, Some(1));
    // A later part changes nothing.
    assert_eq!(release(&mut w, 2), Outcome::Success);
    assert_eq!(award_of(&w), Some(a));
}

#[test]
fn the_award_follows_the_published_rule_and_the_earliest_bid_wins_a_tie() {
    let mut w = setup(40);
    deal_all(&mut w);
    for (i, name) in BIDDERS.iter().enumerate() {
        assert_eq!(admit(&mut w, name, i as u8 + 1), Outcome::Success);
    }
    assert_eq!(bid(&mut w, "acme", &[400, 24]), Outcome::Success); // n 0: 70 + 20 = 90
    assert_eq!(bid(&mut w, "bolt", &[400, 24]), Outcome::Success); // n 1: the same 90, later
    // copycat resubmits acme's ciphertext: it is bound to acme and does not open as copycat's.
    let stolen = bids(&w)[0].sealed.clone();
    assert_eq!(w.run("copycat", &PlaceBid { tender: ID.into(), sealed: stolen }), Outcome::Success);
    assert_eq!(bid(&mut w, "dearco", &[1200, 60]), Outcome::Success); // above the ceiling
    assert_eq!(bid(&mut w, "eastco", &[500, 36]), Outcome::Success); // 56 + 30 = 86
    advance_past_deadline(&mut w);
    assert_eq!(release(&mut w, 2), Outcome::Success);
    assert_eq!(release(&mut w, 0), Outcome::Success);

    let a = award_of(&w).expect("award");
    let points: Vec<u64> = a.bids.iter().map(|b| b.points).collect();
    assert_eq!(points, vec![90_000_000, 90_000_000, 0, 0, 86_000_000]);
    assert_eq!(a.bids[2].invalid.as_deref(), Some("does not open"));
    assert_eq!(a.bids[3].invalid.as_deref(), Some("price 1200 is above the limit 1000"));
    assert_eq!(a.winner, Some(0), "a tie goes to the earliest bid");
    assert_eq!(a.bids[0].bidder, w.address("acme"));

    // Anyone recomputes the same award from the notice and the bids; an altered bid changes it.
    let t = tender_of(&w);
    let mut all = bids(&w);
    assert_eq!(award::recompute(&t, &all, a.height).expect("recompute"), a);
    all[0].sealed[40] ^= 1;
    let changed = award::recompute(&t, &all, a.height).expect("recompute");
    assert_eq!(changed.winner, Some(1));
    assert_ne!(changed, a);
    all.pop();
    assert!(award::recompute(&t, &all, a.height).is_err(), "a missing bid is noticed");
}
