//! Votes through the executor on the in-memory harness: tokens once per certificate holder,
//! ballots once per token and only while open, sealing that k−1 trustees cannot open, released
//! parts checked, the chain's count equal to an independent recount.

use std::sync::Arc;

use govchain_certificates::{CertificatesComponent, DefineType, Field, FieldKind, Issue};
use govchain_component::Component;
use govchain_crypto::SecretKey;
use govchain_identity::testing::{World, code};
use govchain_identity::{IdentityComponent, OrgKind};
use govchain_participation::token::{self, Token};
use govchain_participation::*;
use govchain_types::{Algorithm, Hash32, Outcome};

const TRUSTEES: [&str; 3] = ["finance-trustee", "audit-trustee", "justice-trustee"];

struct Election {
    w: World,
    authority_pem: String,
    authority_der: Vec<u8>,
    next_key: u8,
}

fn cert_id(n: u8) -> String {
    hex::encode([n; 32])
}

fn setup(opens_in: u64, open_for: u64) -> Election {
    let components: Vec<Arc<dyn Component>> =
        vec![Arc::new(IdentityComponent), Arc::new(CertificatesComponent), Arc::new(VoteComponent)];
    let organiser: &[(&str, &[&str])] = &[("organiser", &["vote.create"])];
    let certifier: &[(&str, &[&str])] = &[("certifier", &["certificates.*"])];
    let mut b = World::builder()
        .org("civil", OrgKind::Government, organiser)
        .org("police", OrgKind::Government, certifier)
        .org("elections", OrgKind::Government, &[])
        .admin("civil-admin", "civil", &["organiser"])
        .admin("police-admin", "police", &["certifier"])
        .admin("authority", "elections", &[]);
    for t in TRUSTEES {
        let org = t.trim_end_matches("-trustee");
        b = b.org(org, OrgKind::Government, &[]).admin(t, org, &[]);
    }
    let mut w = b.build(&components);
    for (id, n) in [("residence", "Residence permit"), ("library", "Library card")] {
        let t = DefineType {
            id: id.into(),
            name: n.into(),
            fields: vec![Field { name: "district".into(), kind: FieldKind::Text, required: true }],
            issuers: vec!["police".into()],
            default_validity_days: 365,
        };
        assert_eq!(w.run("police-admin", &t), Outcome::Success);
    }
    // Residents 1..=5 hold residence permits; 9 holds only a library card.
    for n in 1..=5u8 {
        assert_eq!(w.run("police-admin", &issue(n, "residence", n)), Outcome::Success);
    }
    assert_eq!(w.run("police-admin", &issue(9, "library", 9)), Outcome::Success);
    let (authority_pem, authority_der) = token::generate_authority().expect("authority key");
    let create = CreateVote {
        id: "park".into(),
        title: "Which design for the new park?".into(),
        text_hash: Hash32([1; 32]),
        options: vec!["Lake".into(), "Forest".into(), "Playground".into()],
        eligibility: Eligibility {
            cert_type: "residence".into(),
            condition: "district = Xicheng".into(),
            authority: w.address("authority"),
            authority_key: authority_der.clone(),
        },
        opens_height: w.height + opens_in,
        closes_height: w.height + opens_in + open_for,
        k: 2,
        trustees: TRUSTEES.iter().map(|t| w.address(t)).collect(),
    };
    assert_eq!(w.run("civil-admin", &create), Outcome::Success);
    Election { w, authority_pem, authority_der, next_key: 100 }
}

fn issue(n: u8, type_id: &str, holder: u8) -> Issue {
    Issue {
        id: cert_id(n),
        type_id: type_id.into(),
        holder: Hash32([holder; 32]),
        commitment: Hash32([n; 32]),
        valid_from_ms: 0,
        valid_until_ms: 0,
        previous: None,
    }
}

fn vote(e: &Election) -> Vote {
    e.w.get(&keys::vote("park")).expect("vote")
}

fn deal_all(e: &mut Election) {
    let v = vote(e);
    for t in TRUSTEES {
        let dealing = sealing::deal(2, &v.sealing.trustee_keys, &share_aad("park")).expect("deal");
        let stored = StoredDealing { commitments: dealing.commitments, shares: dealing.shares };
        assert_eq!(e.w.run(t, &Deal { vote: "park".into(), dealing: stored }), Outcome::Success);
    }
    assert_eq!(vote(e).status, VoteStatus::Ready);
}

/// A voter's whole token round: fresh ballot key, blinding, the authority's on-chain issuance
/// and blind signature, unblinding. Returns the ballot key's label in the world and the token.
fn get_token(e: &mut Election, certificate: u8) -> Result<(String, Token), String> {
    e.next_key += 1;
    let label = format!("ballot-{}", e.next_key);
    let key = SecretKey::from_seed(Algorithm::Ed25519, [e.next_key; 32]);
    let msg = token::message("vote", "park", &key.public_key());
    let blinding = token::blind(&e.authority_der, &msg).expect("blind");
    let blinded = hex::decode(&blinding.blinded).expect("hex");
    let issue =
        IssueToken { vote: "park".into(), certificate: cert_id(certificate), blinded_hash: e.w.suite.hash(&blinded) };
    match e.w.run("authority", &issue) {
        Outcome::Success => {}
        o => return Err(code(&o).unwrap_or_default()),
    }
    let bs = token::sign_blinded(&e.authority_pem, &blinded).expect("blind sign");
    let t = token::finalize(&e.authority_der, &blinding, &bs, &msg).expect("unblind");
    e.w.add_key(&label, key);
    Ok((label, t))
}

fn cast(e: &mut Election, label: &str, t: &Token, choice: u32) -> Outcome {
    let key = e.w.key_of(label).public_key();
    let v = vote(e);
    let sealed = if v.sealing.public_key.is_empty() {
        vec![0; 80] // no key yet: the refusal does not depend on the contents
    } else {
        tally::seal_choice(&v.sealing.public_key, "park", &key, choice).expect("seal")
    };
    e.w.run(label, &Cast { vote: "park".into(), token: t.clone(), sealed })
}

fn release(e: &mut Election, t: usize) -> Outcome {
    let v = vote(e);
    let dealings = v.sealing.all_dealings().expect("dealt");
    let refs: Vec<_> = dealings.iter().collect();
    let part = sealing::own_part(&refs, t, &e.w.key_of(TRUSTEES[t]), &share_aad("park")).expect("own part");
    e.w.run(TRUSTEES[t], &Release { vote: "park".into(), part })
}

fn advance_to(e: &mut Election, height: u64) {
    while e.w.height < height {
        e.w.block(&[]);
    }
}

fn ballot_box(e: &Election) -> BallotBox {
    e.w.get(&keys::ballot_box("park")).unwrap_or_default()
}

fn ballots(e: &Election) -> Vec<Ballot> {
    (0..ballot_box(e).ballots).map(|n| e.w.get(&keys::ballot("park", n)).expect("ballot")).collect()
}

#[test]
fn one_token_per_holder_one_ballot_per_token_and_only_while_open() {
    let mut e = setup(20, 10);
    // Before the trustees deal, nothing can be cast.
    let (early, t0) = get_token(&mut e, 1).expect("token");
    assert_eq!(code(&cast(&mut e, &early, &t0, 0)).as_deref(), Some("not_open"));
    deal_all(&mut e);
    // The same holder gets no second token; a library card is not a residence permit.
    assert_eq!(get_token(&mut e, 1).err().as_deref(), Some("already_issued"));
    assert_eq!(get_token(&mut e, 9).err().as_deref(), Some("not_eligible"));
    assert_eq!(get_token(&mut e, 42).err().as_deref(), Some("not_eligible"));
    // Only the authority issues.
    let forged = IssueToken { vote: "park".into(), certificate: cert_id(2), blinded_hash: Hash32([0; 32]) };
    assert_eq!(code(&e.w.run("civil-admin", &forged)).as_deref(), Some("unauthorized"));

    let (k2, t2) = get_token(&mut e, 2).expect("token");
    assert_eq!(code(&cast(&mut e, &k2, &t2, 1)).as_deref(), Some("not_open"), "before the opening height");
    let h = vote(&e).opens_height;
    advance_to(&mut e, h);
    assert_eq!(cast(&mut e, &early, &t0, 0), Outcome::Success);
    assert_eq!(cast(&mut e, &k2, &t2, 1), Outcome::Success);
    // The same token again (same key, next nonce) is refused, and so is a token for another key.
    assert_eq!(code(&cast(&mut e, &k2, &t2, 2)).as_deref(), Some("token_spent"));
    let (k3, _) = get_token(&mut e, 3).expect("token");
    let err = e.w.check(&k3, &Cast { vote: "park".into(), token: t2.clone(), sealed: vec![0; 80] });
    assert_eq!(err.expect_err("refused at admission").code(), "bad_token");
    // A stranger's key without a token is refused at admission, before any block.
    e.w.add_key("stranger", SecretKey::from_seed(Algorithm::Ed25519, [77; 32]));
    let junk = Token { randomizer: [0; 32], signature: vec![1; 256] };
    let err = e.w.check("stranger", &Cast { vote: "park".into(), token: junk, sealed: vec![0; 80] });
    assert_eq!(err.expect_err("refused").code(), "bad_token");

    let (k4, t4) = get_token(&mut e, 4).expect("token");
    let h = vote(&e).closes_height;
    advance_to(&mut e, h);
    assert_eq!(code(&cast(&mut e, &k4, &t4, 0)).as_deref(), Some("closed"), "after the closing height");
    let bx = ballot_box(&e);
    assert_eq!((bx.tokens_issued, bx.ballots), (4, 2));
    assert_eq!(get_token(&mut e, 5).err().as_deref(), Some("closed"));
}

#[test]
fn k_minus_one_parts_open_nothing_k_parts_give_the_recount() {
    let mut e = setup(8, 20);
    deal_all(&mut e);
    let mut kits = Vec::new();
    for n in 1..=5u8 {
        kits.push(get_token(&mut e, n).expect("token"));
    }
    let h = vote(&e).opens_height;
    advance_to(&mut e, h);
    for (i, (label, t)) in kits.iter().enumerate() {
        let choice = [0, 1, 1, 2, 1][i];
        assert_eq!(cast(&mut e, label, t, choice), Outcome::Success);
    }
    // Parts before the close are refused.
    assert_eq!(code(&release(&mut e, 0)).as_deref(), Some("not_closed"));
    let h = vote(&e).closes_height + 1;
    advance_to(&mut e, h);
    // A tampered part is refused with its reason; the right one is accepted.
    let v = vote(&e);
    let dealings = v.sealing.all_dealings().expect("dealt");
    let refs: Vec<_> = dealings.iter().collect();
    let mut part = sealing::own_part(&refs, 1, &e.w.key_of(TRUSTEES[1]), &share_aad("park")).expect("part");
    part[31] ^= 1;
    assert_eq!(code(&e.w.run(TRUSTEES[1], &Release { vote: "park".into(), part })).as_deref(), Some("bad_part"));
    assert_eq!(release(&mut e, 1), Outcome::Success);
    // One part (k−1): no count, and no one can open a ballot.
    e.w.block(&[]);
    assert!(e.w.get::<Tally>(&keys::tally("park")).is_none());
    assert!(tally::recount(e.w.suite, &vote(&e), &ballot_box(&e), &ballots(&e)).is_err());
    assert_eq!(vote(&e).status, VoteStatus::Counting);
    // The second part: the next block counts.
    assert_eq!(release(&mut e, 2), Outcome::Success);
    e.w.block(&[]);
    let t: Tally = e.w.get(&keys::tally("park")).expect("tally");
    assert!(t.complete);
    assert_eq!(t.counts, vec![1, 3, 1]);
    assert_eq!(vote(&e).status, VoteStatus::Final);
    let r = tally::recount(e.w.suite, &vote(&e), &ballot_box(&e), &ballots(&e)).expect("recount");
    assert_eq!(r.counts, t.counts, "the independent recount gives the chain's result");
    assert!(r.invalid.is_empty());
    // A recount over altered chain data fails with a reason.
    let mut bs = ballots(&e);
    bs.pop();
    assert!(
        tally::recount(e.w.suite, &vote(&e), &ballot_box(&e), &bs).expect_err("missing ballot").contains("records 5")
    );
    let mut bs = ballots(&e);
    bs[2].sealed[70] ^= 1;
    assert!(tally::recount(e.w.suite, &vote(&e), &ballot_box(&e), &bs).expect_err("altered").contains("ballot chain"));
}

#[test]
fn bad_ballots_count_as_invalid_with_a_reason_and_copies_do_not_open() {
    let mut e = setup(8, 10);
    deal_all(&mut e);
    let (a, ta) = get_token(&mut e, 1).expect("token");
    let (b, tb) = get_token(&mut e, 2).expect("token");
    let (c, tc) = get_token(&mut e, 3).expect("token");
    let h = vote(&e).opens_height;
    advance_to(&mut e, h);
    assert_eq!(cast(&mut e, &a, &ta, 2), Outcome::Success);
    // b copies a's sealed ballot (to double a's choice): bound to a's key, it does not open.
    let copied = ballots(&e)[0].sealed.clone();
    assert_eq!(e.w.run(&b, &Cast { vote: "park".into(), token: tb, sealed: copied }), Outcome::Success);
    // c seals an option that does not exist.
    assert_eq!(cast(&mut e, &c, &tc, 7), Outcome::Success);
    let h = vote(&e).closes_height + 1;
    advance_to(&mut e, h);
    assert_eq!(release(&mut e, 0), Outcome::Success);
    assert_eq!(release(&mut e, 2), Outcome::Success);
    e.w.block(&[]);
    let t: Tally = e.w.get(&keys::tally("park")).expect("tally");
    assert_eq!((t.counts.clone(), t.invalid, t.complete), (vec![0, 0, 1], 2, true));
    let r = tally::recount(e.w.suite, &vote(&e), &ballot_box(&e), &ballots(&e)).expect("recount");
    assert_eq!(r.invalid, vec![(1, "does not open".to_string()), (2, "names no option".to_string())]);
}

#[test]
fn creation_keeps_the_authority_out_of_the_trustees() {
    let mut e = setup(8, 10);
    let mut v = CreateVote {
        id: "other".into(),
        title: "Another vote".into(),
        text_hash: Hash32([0; 32]),
        options: vec!["a".into(), "b".into()],
        eligibility: vote(&e).eligibility,
        opens_height: e.w.height + 50,
        closes_height: e.w.height + 60,
        k: 2,
        trustees: vec![e.w.address("authority"), e.w.address(TRUSTEES[0])],
    };
    assert_eq!(code(&e.w.run("civil-admin", &v)).as_deref(), Some("invalid_arguments"));
    v.trustees = vec![e.w.address(TRUSTEES[0])];
    assert_eq!(code(&e.w.run("civil-admin", &v)).as_deref(), Some("invalid_arguments"), "k > n");
    v.trustees = vec![e.w.address(TRUSTEES[0]), e.w.address(TRUSTEES[1])];
    assert_eq!(code(&e.w.run("authority", &v)).as_deref(), Some("unauthorized"));
    assert_eq!(e.w.run("civil-admin", &v), Outcome::Success);
    let again = e.w.run("civil-admin", &v);
    assert_eq!(code(&again).as_deref(), Some("already_exists"), "{again:?}");
}
