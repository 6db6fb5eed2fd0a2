//! The GovChain node: wiring of storage, state, mempool, execution, consensus and API
