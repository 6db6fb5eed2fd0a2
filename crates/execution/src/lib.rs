//! Deterministic block execution: the module trait, dispatch, receipts and events
