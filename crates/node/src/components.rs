//! The chain's components: the one list the node builds everything from — the executor, the
//! genesis state, the API routes with their OpenAPI document, the CLI and `govchain verify`'s
//! descriptions of state keys. Adding a module is its crate, one line here, and its portal pages
//! (docs/adding-a-module.md).

use std::sync::Arc;

use govchain_component::Component;

/// The components of a GovChain chain, in the order their routes and commands are listed.
pub fn components() -> Vec<Arc<dyn Component>> {
    vec![
        Arc::new(govchain_identity::IdentityComponent),
        Arc::new(govchain_records::RecordsComponent),
        Arc::new(govchain_governance::GovernanceComponent),
        Arc::new(govchain_certificates::CertificatesComponent),
        Arc::new(govchain_datashare::DatashareComponent),
        Arc::new(govchain_workflow::WorkflowComponent),
        Arc::new(govchain_evm::EvmComponent),
        Arc::new(govchain_participation::VoteComponent),
        Arc::new(govchain_participation::ConsultComponent),
        Arc::new(govchain_participation::TenderComponent),
    ]
}
