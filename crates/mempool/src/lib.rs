//! Bounded transaction pool with parallel signature admission
