//! Rust client for the GovChain REST API and transaction builders
