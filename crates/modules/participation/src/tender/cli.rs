//! `govchain tender` (feature `cli`): the tendering department, the trustees, the admitting
//! authority, the bidder and the observer. docs/participation.md walks through them in order.

use std::path::PathBuf;

use clap::Subcommand;
use eyre::{Result, bail, eyre};
use futures::future::BoxFuture;
use govchain_sdk::cli::{Ctx, DeriveCli, ModuleCli, print_json, send};
use govchain_types::{Address, Hash32};

use super::client;
use super::model::*;
use crate::cli::{check_presentation, own_part, parse_address, print_report, trust_root};
use crate::model::StoredDealing;
use crate::sealing;

/// Tender commands.
#[derive(Subcommand)]
pub enum TenderCmd {
    /// (department) Publish a tender notice.
    Create {
        /// Tender id.
        id: String,
        /// Publisher's key (holds `tender.create`).
        #[arg(long)]
        key: String,
        /// Title.
        #[arg(long)]
        title: String,
        /// The lot: what is bought or let.
        #[arg(long)]
        lot: String,
        /// The tender documents (their SHA-256 goes on chain).
        #[arg(long)]
        documents: Option<PathBuf>,
        /// An award criterion `name:weight:lower|higher[:limit]` (repeat, in order); for
        /// lowest price, one `price:1:lower`.
        #[arg(long = "criterion", required = true, value_parser = parse_criterion)]
        criteria: Vec<Criterion>,
        /// Certificate type bidders hold (a business licence).
        #[arg(long)]
        cert_type: String,
        /// Claim condition the authority checks (`name = value [and …]`).
        #[arg(long, default_value = "")]
        condition: String,
        /// The admitting authority's account.
        #[arg(long, value_parser = parse_address)]
        authority: Address,
        /// Last height accepting bids.
        #[arg(long)]
        deadline: u64,
        /// Threshold of trustees needed to open the bids.
        #[arg(long)]
        k: u8,
        /// A trustee account (repeat; distinct organisations).
        #[arg(long = "trustee", required = true, value_parser = parse_address)]
        trustees: Vec<Address>,
    },
    /// (trustee) Deal your part of the sealing key.
    Deal {
        /// Tender id.
        id: String,
        /// The trustee's key.
        #[arg(long)]
        key: String,
    },
    /// (authority) Check a bidder's presentation online and admit the bidder.
    Admit {
        /// Tender id.
        id: String,
        /// The authority's key.
        #[arg(long)]
        key: String,
        /// The bidder's business account.
        #[arg(long, value_parser = parse_address)]
        bidder: Address,
        /// The bidder's presentation of its licence.
        #[arg(long)]
        presentation: PathBuf,
    },
    /// (bidder) Seal and submit a bid: one `name=value` per criterion.
    Bid {
        /// Tender id.
        id: String,
        /// The bidder's key.
        #[arg(long)]
        key: String,
        /// A value `name=whole-number` (repeat, one per criterion).
        #[arg(long = "value", required = true)]
        values: Vec<String>,
    },
    /// (trustee) After the deadline: open the shares dealt to you and release your part.
    Release {
        /// Tender id.
        id: String,
        /// The trustee's key.
        #[arg(long)]
        key: String,
    },
    /// Every tender.
    List,
    /// A tender, its bids and its award.
    Show {
        /// Tender id.
        id: String,
    },
    /// Reopen every bid and reapply the rule from chain data alone (proven against the genesis
    /// validators); exits 1 when the result differs from the chain's award.
    Verify {
        /// Tender id.
        id: String,
        /// Genesis file to trust (default: the home's).
        #[arg(long)]
        genesis: Option<PathBuf>,
    },
}

fn parse_criterion(s: &str) -> Result<Criterion> {
    let parts: Vec<&str> = s.split(':').collect();
    let (name, weight, better) = match parts.as_slice() {
        [n, w, b] | [n, w, b, _] => (n, w, b),
        _ => bail!("a criterion is name:weight:lower|higher[:limit]"),
    };
    let better = match *better {
        "lower" => Better::Lower,
        "higher" => Better::Higher,
        b => bail!("{b:?} is neither lower nor higher"),
    };
    let limit = parts.get(3).map(|l| l.parse()).transpose()?;
    Ok(Criterion { name: name.to_string(), weight: weight.parse()?, better, limit })
}

fn values_in_order(t: &Tender, given: &[String]) -> Result<Vec<u64>> {
    let mut pairs = Vec::new();
    for g in given {
        let (n, v) = g.split_once('=').ok_or_else(|| eyre!("{g:?} is not name=value"))?;
        pairs.push((n.trim(), v.trim().parse::<u64>().map_err(|e| eyre!("{n}: {e}"))?));
    }
    t.criteria
        .iter()
        .map(|c| {
            pairs.iter().find(|(n, _)| *n == c.name).map(|(_, v)| *v).ok_or_else(|| eyre!("no value for {}", c.name))
        })
        .collect()
}

fn run(ctx: &Ctx, cmd: TenderCmd) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let c = ctx.client();
        match cmd {
            TenderCmd::Create {
                id,
                key,
                title,
                lot,
                documents,
                criteria,
                cert_type,
                condition,
                authority,
                deadline,
                k,
                trustees,
            } => {
                let suite = ctx.suite().await?;
                let documents_hash = match documents {
                    Some(p) => suite.hash(&std::fs::read(p)?),
                    None => Hash32::default(),
                };
                let args = CreateTender {
                    id,
                    title,
                    lot,
                    documents_hash,
                    criteria,
                    eligibility: TenderEligibility { cert_type, condition, authority },
                    deadline_height: deadline,
                    k,
                    trustees,
                };
                send(ctx, &key, &args, true).await?;
            }
            TenderCmd::Deal { id, key } => {
                let t = client::tender(&c, &id, false).await?.tender;
                let d = sealing::deal(t.sealing.k as usize, &t.sealing.trustee_keys, &share_aad(&id))?;
                let dealing = StoredDealing { commitments: d.commitments, shares: d.shares };
                send(ctx, &key, &DealTender { tender: id, dealing }, true).await?;
            }
            TenderCmd::Admit { id, key, bidder, presentation } => {
                let t = client::tender(&c, &id, false).await?.tender;
                let p =
                    check_presentation(&c, &presentation, &t.eligibility.cert_type, &t.eligibility.condition).await?;
                send(ctx, &key, &Admit { tender: id, bidder, certificate: p.core.certificate_id.clone() }, true)
                    .await?;
            }
            TenderCmd::Bid { id, key, values } => {
                let t = client::tender(&c, &id, false).await?.tender;
                if t.sealing.public_key.is_empty() {
                    bail!("tender {id} has no sealing key yet: its trustees have not all dealt");
                }
                let values = values_in_order(&t, &values)?;
                let suite = ctx.suite().await?;
                let me = ctx.load_key(&key)?.public_key().address(suite);
                let sealed = super::award::seal_bid(&t.sealing.public_key, &id, &me, &values)?;
                send(ctx, &key, &PlaceBid { tender: id, sealed }, true).await?;
                eprintln!(
                    "bid sealed: nobody can read it before k trustees open it after height {}",
                    t.deadline_height
                );
            }
            TenderCmd::Release { id, key } => {
                let t = client::tender(&c, &id, false).await?.tender;
                let part = own_part(ctx, &t.sealing, &key, &share_aad(&id)).await?;
                send(ctx, &key, &ReleaseTender { tender: id, part }, true).await?;
            }
            TenderCmd::List => print_json(&client::tenders(&c).await?)?,
            TenderCmd::Show { id } => print_json(&client::tender(&c, &id, false).await?)?,
            TenderCmd::Verify { id, genesis } => {
                let report = client::verify_award(&c, &trust_root(ctx, genesis)?, &id).await.map_err(|e| eyre!(e))?;
                print_report(&report, report.matches)?;
            }
        }
        Ok(())
    })
}

/// `govchain tender`.
pub fn cli() -> Box<dyn ModuleCli> {
    Box::new(DeriveCli::new(
        "tender",
        "Sealed-bid tenders: publish, deal, admit, bid, open, verify the award",
        run as for<'a> fn(&'a Ctx, TenderCmd) -> BoxFuture<'a, Result<()>>,
    ))
}
