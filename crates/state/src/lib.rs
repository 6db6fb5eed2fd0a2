//! Authenticated versioned state (Jellyfish Merkle Tree) over the block store
